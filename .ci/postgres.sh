# Starts the Debian PostgreSQL cluster and makes a role and database for the
# tests. Sourced by .ci/run; sets PRIVET_TEST_POSTGRES_URL.
start_postgres() {
    local version
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    if [ -z "$version" ]; then
        echo "no PostgreSQL cluster under /etc/postgresql" >&2
        return 1
    fi
    pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null \
        || pg_ctlcluster --skip-systemctl-redirect "$version" main status >/dev/null
    for _ in $(seq 1 30); do
        if su postgres -c "pg_isready -q -h 127.0.0.1"; then break; fi
        sleep 1
    done
    su postgres -c "psql -qtA -c \"SELECT 1 FROM pg_roles WHERE rolname='privet'\"" | grep -q 1 \
        || su postgres -c "psql -q -c \"CREATE ROLE privet LOGIN SUPERUSER PASSWORD 'privet'\""
    su postgres -c "psql -qtA -c \"SELECT 1 FROM pg_database WHERE datname='privet_test'\"" | grep -q 1 \
        || su postgres -c "createdb -O privet privet_test"
    PRIVET_TEST_POSTGRES_URL="postgres://privet:privet@127.0.0.1:5432/privet_test"
}
