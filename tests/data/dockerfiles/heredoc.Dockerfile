FROM debian:12
RUN <<EOF
apt-get update
apt-get install -y --no-install-recommends curl
rm -rf /var/lib/apt/lists/*
EOF
COPY <<-"CONF" /etc/app.conf
	listen = ${PORT}
	CONF
RUN <<A cat - <<B > /tmp/out
first
A
second
B
