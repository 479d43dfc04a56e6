# Vocabulario del equipo: make run | test | lint | bench | demo
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export DEBUG ?= 1

.PHONY: run test lint format bench demo install migrate clean

$(BIN)/python:
	@command -v $(PY) >/dev/null 2>&1 || { echo "Se requiere Python 3.11 ($(PY))."; exit 1; }
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.instalado: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.instalado

migrate: install
	@mkdir -p var
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py cargar_demo

run: demo
	@echo ""
	@echo "  POA municipal en http://127.0.0.1:8000  (Ctrl+C para detener)"
	@echo ""
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: install
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports  # the layers contract of pyproject.toml
	$(BIN)/python .ci/tamanos.py  # no module over 600 lines, no function over 80

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: migrate
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var/*.sqlite3*

# Prueba de carga (issue 16): gunicorn + Celery + PostgreSQL poa_carga + Redis en loopback.
.PHONY: carga
carga: install
	CARGA_USUARIOS=$${CARGA_USUARIOS:-100} CARGA_SEGUNDOS=$${CARGA_SEGUNDOS:-60} bench/carga/correr.sh
