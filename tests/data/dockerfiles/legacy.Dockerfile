from ubuntu:20.04
maintainer someone@example.com
env DEBIAN_FRONTEND noninteractive
run apt-get update && apt-get install -y nginx
volume /var/www /var/log/nginx
onbuild copy . /var/www
expose 80 443
stopsignal SIGQUIT
cmd nginx -g "daemon off;"
