# Sourced by the benchmark scripts: nginx on 127.0.0.1 serving a folder, installed (nginx-light) when missing.
# start_nginx WORK ROOT: writes WORK/nginx.conf, starts nginx in the foreground of a background job and waits for it;
# sets nginx_pid (the caller's exit trap stops it) and port (a free port chosen here). robots.txt answers 404.
start_nginx() {
    local work="$1" root="$2" nginx_bin
    if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
        echo "installing nginx-light" >&2
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nginx-light >/dev/null
    fi
    nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
    mkdir -p "$work/logs"
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    cat > "$work/nginx.conf" <<CONF
worker_processes 2;
daemon off;
pid $work/logs/nginx.pid;
error_log $work/logs/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 1000000;
    default_type text/html;
    sendfile on;
    client_body_temp_path $work/logs;
    proxy_temp_path $work/logs;
    fastcgi_temp_path $work/logs;
    uwsgi_temp_path $work/logs;
    scgi_temp_path $work/logs;
    server {
        listen 127.0.0.1:$port;
        root $root;
        location = /robots.txt { return 404; }
    }
}
CONF
    "$nginx_bin" -c "$work/nginx.conf" -p "$work" &
    nginx_pid=$!
    for _ in $(seq 1 50); do
        curl -s -o /dev/null "http://127.0.0.1:$port/robots.txt" && return 0
        sleep 0.1
    done
    echo "nginx did not start on 127.0.0.1:$port (see $work/logs/error.log)" >&2
    return 1
}
