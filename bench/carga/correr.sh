#!/usr/bin/env bash
# Load test of the capture deadline (`make carga`): prepares the database, starts the
# production stack on loopback (gunicorn with 4 workers, a Celery worker on Redis), runs
# Locust headless for a bounded number of users and seconds, stops everything (also when
# something fails), prints the figures per action and verifies the database.
#
#   CARGA_USUARIOS=100 CARGA_SEGUNDOS=60 bench/carga/correr.sh
#
# Variables (defaults): CARGA_USUARIOS (100), CARGA_SEGUNDOS (60), CARGA_TASA (users
# started per second, 10), CARGA_PUERTO (8111), CARGA_BASE (poa_carga), CARGA_PG
# (postgres://postgres@127.0.0.1:5432), CARGA_REDIS (redis://127.0.0.1:6379/11),
# CARGA_DIR (var/carga), CARGA_ESPERA_TRABAJOS (seconds to let report jobs end, 420),
# CARGA_ENTRAR=1 (log in through /entrar/ instead of using the prepared sessions),
# CARGA_PENSAR_FILA ("3,8") and CARGA_PENSAR_REJILLA ("5,15"): a capturista's think time in
# seconds between rows and between grids (see locustfile.py).
set -euo pipefail

RAIZ="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$RAIZ"
BIN="$RAIZ/.venv/bin"
USUARIOS="${CARGA_USUARIOS:-100}"
SEGUNDOS="${CARGA_SEGUNDOS:-60}"
TASA="${CARGA_TASA:-10}"
PUERTO="${CARGA_PUERTO:-8111}"
ESPERA="${CARGA_ESPERA_TRABAJOS:-420}"
export CARGA_DIR="${CARGA_DIR:-$RAIZ/var/carga}"
mkdir -p "$CARGA_DIR"
CARGA_DIR="$(cd "$CARGA_DIR" && pwd)"
rm -f "$CARGA_DIR"/registro.json "$CARGA_DIR"/locust_* "$CARGA_DIR"/*.log

# A production configuration for loopback: DEBUG off; plain HTTP (no TLS proxy here).
export DEBUG=0
export SECRET_KEY="carga-solo-para-la-prueba-de-carga-0123456789abcdefghijklmnopqrstuv"
export ALLOWED_HOSTS="127.0.0.1,localhost"
export SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 SECURE_HSTS_SECONDS=0
export DATABASE_URL="${CARGA_PG:-postgres://postgres@127.0.0.1:5432}/${CARGA_BASE:-poa_carga}"
export CELERY_BROKER_URL="${CARGA_REDIS:-redis://127.0.0.1:6379/11}"
export MEDIA_ROOT="$CARGA_DIR/media"
export EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"
export POA_REPORT_WORKERS=1   # the Celery worker renders with one process (2 cores shared)

PIDS=()
limpiar() {
    local pid
    for pid in "${PIDS[@]:-}"; do
        [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null || true
    done
    for _ in $(seq 1 20); do  # gunicorn and Celery stop gracefully within seconds
        local vivo=0
        for pid in "${PIDS[@]:-}"; do
            case "$(ps -o stat= -p "$pid" 2>/dev/null)" in ""|Z*) ;; *) vivo=1 ;; esac
        done
        [ "$vivo" -eq 0 ] && break
        sleep 0.5
    done
    for pid in "${PIDS[@]:-}"; do  # a Celery worker still rendering is stopped cold
        [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null || true
        [ -n "$pid" ] && { wait "$pid" 2>/dev/null || true; }
    done
    PIDS=()
}
trap limpiar EXIT
trap 'exit 130' INT TERM

echo "== Preparando la base $DATABASE_URL =="
"$BIN/python" bench/carga/preparar.py --dir "$CARGA_DIR"

echo "== Arrancando gunicorn (4 workers, :$PUERTO) y un worker de Celery =="
"$BIN/gunicorn" poa_site.wsgi:application --bind "127.0.0.1:$PUERTO" --workers 4 \
    --timeout 120 >"$CARGA_DIR/gunicorn.log" 2>&1 &
PIDS+=($!)
# The report worker runs at the lowest CPU priority (as the README's deployment does with
# systemd's Nice=19): rendering a consolidated PDF uses the spare CPU, never the capture's.
nice -n 19 "$BIN/celery" -A poa_site worker --concurrency 1 -l info -n "carga@%h" \
    >"$CARGA_DIR/celery.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 60); do
    if curl -fs -o /dev/null "http://127.0.0.1:$PUERTO/transparencia/"; then break; fi
    sleep 1
done
curl -fsS -o /dev/null "http://127.0.0.1:$PUERTO/transparencia/" \
    || { echo "gunicorn no respondió; vea $CARGA_DIR/gunicorn.log"; exit 1; }

echo "== Locust: $USUARIOS usuarios, $SEGUNDOS s (arranque $TASA/s) =="
estado_locust=0
"$BIN/locust" -f bench/carga/locustfile.py --headless --host "http://127.0.0.1:$PUERTO" \
    --users "$USUARIOS" --spawn-rate "$TASA" --run-time "${SEGUNDOS}s" --stop-timeout 5 \
    --csv "$CARGA_DIR/locust" --only-summary --loglevel WARNING \
    >"$CARGA_DIR/locust.log" 2>&1 || estado_locust=$?

echo "== Esperando los trabajos de reporte (hasta $ESPERA s) =="
"$BIN/python" bench/carga/verificar.py --dir "$CARGA_DIR" --esperar-trabajos "$ESPERA"
limpiar

estado=0
"$BIN/python" bench/carga/informe.py --dir "$CARGA_DIR" || estado=$?
"$BIN/python" bench/carga/verificar.py --dir "$CARGA_DIR" || estado=$?
if [ "$estado_locust" -ne 0 ] && [ "$estado" -eq 0 ]; then
    echo "Locust terminó con código $estado_locust (vea $CARGA_DIR/locust.log)."
    estado=$estado_locust
fi
exit "$estado"
