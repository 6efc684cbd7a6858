FROM nginx
RUN echo "apt-get update" > /notes.txt
USER root
COPY --from=assets /dist /usr/share/nginx/html
