-- The routing ledger: one row per routed call (a whole request, or one part of a decomposed request).
-- Rows are only appended; feedback sets the quality column afterwards.
CREATE TABLE ledger (
    id                   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    time_ms              BIGINT           NOT NULL,   -- epoch milliseconds
    request_id           TEXT             NOT NULL,
    parent_request_id    TEXT,
    part_index           INTEGER          NOT NULL,
    caller               TEXT             NOT NULL,
    task_type            TEXT,
    complexity           DOUBLE PRECISION,
    tier                 INTEGER,
    model_group          TEXT             NOT NULL,
    deployment_id        TEXT             NOT NULL,
    provider             TEXT             NOT NULL,
    upstream_model       TEXT             NOT NULL,
    latency_ms           BIGINT           NOT NULL,
    prompt_tokens        INTEGER          NOT NULL,
    completion_tokens    INTEGER          NOT NULL,
    cached_prompt_tokens INTEGER          NOT NULL,
    cache_write_tokens   INTEGER          NOT NULL,
    reasoning_tokens     INTEGER          NOT NULL,
    cost_usd             DOUBLE PRECISION NOT NULL,
    top_tier_cost_usd    DOUBLE PRECISION NOT NULL,
    price_catalogue      TEXT             NOT NULL,
    status               TEXT             NOT NULL,
    fallbacks_used       INTEGER          NOT NULL,
    attempts             INTEGER          NOT NULL,
    quality              DOUBLE PRECISION,
    router               TEXT             NOT NULL
);

CREATE INDEX ledger_request_id ON ledger (request_id);
CREATE INDEX ledger_parent_request_id ON ledger (parent_request_id) WHERE parent_request_id IS NOT NULL;
CREATE INDEX ledger_time ON ledger (time_ms);
