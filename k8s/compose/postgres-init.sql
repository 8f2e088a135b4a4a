-- Run once by the postgres image on an empty data folder (docker-compose.yml, profile
-- `postgres`): POSTGRES_DB makes the producer database, this the consumer one.
CREATE DATABASE leafsync_consumer OWNER app;
