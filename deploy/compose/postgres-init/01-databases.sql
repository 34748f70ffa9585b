-- One database per service that owns relational data (rule 1: no shared tables).
-- Run once by the postgres image on an empty volume, as the POSTGRES_USER (pos).
-- To re-run it, drop the volume: docker compose down --volumes.
-- chatbot keeps its documents in MongoDB; the gateway stores nothing.

CREATE DATABASE auth OWNER pos;
CREATE DATABASE pos_core OWNER pos;
CREATE DATABASE inventory OWNER pos;
CREATE DATABASE payment OWNER pos;
CREATE DATABASE restaurant OWNER pos;
CREATE DATABASE notification OWNER pos;

-- Nobody but the owner connects to a service's database.
REVOKE CONNECT ON DATABASE auth FROM PUBLIC;
REVOKE CONNECT ON DATABASE pos_core FROM PUBLIC;
REVOKE CONNECT ON DATABASE inventory FROM PUBLIC;
REVOKE CONNECT ON DATABASE payment FROM PUBLIC;
REVOKE CONNECT ON DATABASE restaurant FROM PUBLIC;
REVOKE CONNECT ON DATABASE notification FROM PUBLIC;
