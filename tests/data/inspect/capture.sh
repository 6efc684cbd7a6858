#!/bin/sh
# Re-creates the fixtures in this folder from a real dockerd (docker CLI on PATH, image
# drydock-test/busybox:1 present: a busybox rootfs with CMD sleep 3600). Every object it
# makes carries the label drydock.fixture=1 and is removed at the end.
set -eu
cd "$(dirname "$0")"
img=drydock-test/busybox:1
sock=${DOCKER_SOCK:-/var/run/docker.sock}
api() { curl -fsS --unix-socket "$sock" "http://localhost$1"; }
mk() { name=$1; shift; docker create --name "dd-fx-$name" --label drydock.fixture=1 "$@" "$img" >/dev/null; }

docker rm -f $(docker ps -aq --filter label=drydock.fixture=1) >/dev/null 2>&1 || true
printf 'FROM %s\nUSER 1000:1000\nHEALTHCHECK CMD ["/bin/sh", "-c", "exit 0"]\nLABEL drydock.fixture=1\n' "$img" |
  docker build -q -t dd-fx/hardened:1 - >/dev/null

mk default
mk privileged --privileged
mk cap-add --cap-add SYS_ADMIN --cap-add CAP_NET_ADMIN --cap-add sys_ptrace
mk cap-add-all --cap-add ALL --cap-drop NET_RAW
mk cap-drop-all --cap-drop ALL --cap-add NET_BIND_SERVICE
mk cap-module --cap-add SYS_MODULE --cap-add DAC_READ_SEARCH --cap-drop SYS_MODULE
mk mounts -v /etc:/host/etc:ro -v /var/run/docker.sock:/var/run/docker.sock \
   --mount type=bind,src=/tmp,dst=/x,bind-propagation=rshared -v dd-fx-vol:/data
mk mount-root-rw -v /:/host
mk volume-only -v dd-fx-vol:/data --mount type=tmpfs,dst=/scratch
mk ports -p 0.0.0.0:80:80 -p '[::]:8080:80' -p 9000
mk publish-all -P --expose 80
mk restart-unless-stopped --restart unless-stopped
mk restart-always --restart always
mk restart-on-failure-10 --restart on-failure:10
mk restart-on-failure-0 --restart on-failure
mk namespaces --pid host --ipc host --uts host --userns host
mk host-network --network host
mk unconfined --security-opt seccomp=unconfined --security-opt apparmor=unconfined --security-opt label=disable
mk custom-lsm --security-opt apparmor=docker-default --security-opt label=type:container_t \
   --security-opt no-new-privileges:false
mk devices --device /dev/null --device-cgroup-rule 'c 1:3 mr' --ulimit nofile=1024:2048 --cgroup-parent dd-fx-parent
mk no-healthcheck --no-healthcheck
mk user-root --user root:root
mk user-0-group --user 0:1000
mk cpu-shares --cpu-shares 512 --memory 128m
mk hardened --user 1000:1000 --cap-drop ALL --read-only --memory 64m --cpus 0.5 --pids-limit 50 \
   --security-opt no-new-privileges --restart on-failure:3 -p 127.0.0.1:8080:8080 \
   --health-cmd true --network none

for c in $(docker ps -aq --filter label=drydock.fixture=1); do
  n=$(docker inspect -f '{{.Name}}' "$c"); n=${n#/dd-fx-}
  docker inspect "$c" > "$n.json"
done

# A running container with exec sessions, and its process list.
docker rm -f $(docker ps -aq --filter label=drydock.fixture=1) >/dev/null
docker run -d --name dd-fx-running --label drydock.fixture=1 "$img" >/dev/null
# Exec sessions are listed in ExecIDs only while they run: start long ones, detached.
docker exec -d dd-fx-running sleep 600
docker exec -d -u 0 dd-fx-running sleep 601
docker exec -d -u 1000:1000 dd-fx-running sleep 602
docker exec -d --privileged dd-fx-running sleep 603 2>/dev/null || true  # may be refused by the host
sleep 1
docker inspect dd-fx-running > running.json
api /containers/dd-fx-running/top > top.json
api "/containers/dd-fx-running/top?ps_args=aux" > top-aux.json
i=0
for e in $(docker inspect -f '{{range .ExecIDs}}{{.}} {{end}}' dd-fx-running); do
  api "/exec/$e/json" > "exec-$i.json"; i=$((i + 1))
done

# A running container whose health check has reported.
docker run -d --name dd-fx-healthy --label drydock.fixture=1 --health-cmd 'exit 0' --health-interval 1s "$img" >/dev/null
for _ in 1 2 3 4 5 6 7 8 9 10; do
  [ "$(docker inspect -f '{{.State.Health.Status}}' dd-fx-healthy)" = healthy ] && break
  sleep 1
done
docker inspect dd-fx-healthy > healthy.json

docker image inspect "$img" > image-busybox.json
docker image inspect dd-fx/hardened:1 > image-hardened.json
api /version > version.json
api /info > info.json
api /images/json > images.json
api "/containers/json?all=1&filters=%7B%22label%22%3A%5B%22drydock.fixture%3D1%22%5D%7D" > containers.json

docker rm -f $(docker ps -aq --filter label=drydock.fixture=1) >/dev/null
docker volume rm dd-fx-vol >/dev/null
docker rmi dd-fx/hardened:1 >/dev/null
