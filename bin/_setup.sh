# Shared by bin/run and bin/test: find a Python 3.12+ and keep .venv installed.
# Sourced, not executed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

python_ok() {
    "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1
}

find_python() {
    local candidate
    for candidate in "${PYTHON:-}" python3.13 python3.12 \
        /root/.pyenv/versions/3.13*/bin/python3 /usr/bin/python3.13 /usr/local/bin/python3.13 \
        /usr/bin/python3.12 python3 python; do
        [ -n "$candidate" ] || continue
        if command -v "$candidate" >/dev/null 2>&1 && python_ok "$candidate"; then
            command -v "$candidate"
            return 0
        fi
    done
    echo "Python 3.12 or newer is needed and none was found. Install it, or set PYTHON=/path/to/python3." >&2
    return 1
}

# install_project EXTRAS: create .venv if needed and install the project with the given extras
# (".": runtime only; ".[dev]": with the test tools). Skipped when pyproject.toml is unchanged.
install_project() {
    local target="$1" stamp
    if [ ! -x .venv/bin/python ] || ! python_ok .venv/bin/python; then
        rm -rf .venv
        "$(find_python)" -m venv .venv
    fi
    stamp=".venv/.installed-$(printf '%s' "$target" | tr -c 'a-z' '_')-$(sha256sum pyproject.toml | cut -c1-16)"
    if [ ! -f "$stamp" ]; then
        echo "Installing the platform's dependencies into .venv (a minute or two the first time) ..."
        # pip's notes go to a log, shown only if the installation fails.
        if ! { .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip \
                && .venv/bin/python -m pip install --quiet --disable-pip-version-check -e "$target"; } >.venv/install.log 2>&1; then
            cat .venv/install.log >&2
            echo "Installing the dependencies failed: see above (kept in .venv/install.log)." >&2
            return 1
        fi
        touch "$stamp"
    fi
}
