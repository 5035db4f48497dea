<#import "../lib.ftl" as lib>
<@lib.header object="table ${schema}.ARCHIVE and trigger ${schema}.RUN_EXPIRED_GUARD" purpose="one row per archive of a run's backup written outside the database (declutter archive): where, its checksum, who and when; and the guard that refuses to roll back a run whose backup expired"/>
-- The archive itself (compressed CSV files and a manifest, docs/archive.md) lives outside the database; this row
-- says where a copy of the run's purged rows still exists, for 'declutter receipt' and for the message of a
-- rollback refused because the backup expired. It holds no purged value. (ROWS is a reserved word in Oracle:
-- the row count is row_count, as in LOG.)
<#assign ddl>
CREATE TABLE ${schema}.ARCHIVE (
    archive_id NUMBER(19)               GENERATED ALWAYS AS IDENTITY,
    run_id     NUMBER(19)               NOT NULL,
    location   VARCHAR2(4000 BYTE)      NOT NULL,  -- the archive's directory, as the runner that wrote it named it
    sha256     VARCHAR2(64 CHAR)        NOT NULL,  -- the archive's own checksum (SHA-256 of its SHA256SUMS file)
    tables     NUMBER(10)               NOT NULL,
    row_count  NUMBER(19)               NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT SYSTIMESTAMP NOT NULL,
    created_by VARCHAR2(128 CHAR)       DEFAULT SYS_CONTEXT('USERENV', 'SESSION_USER') NOT NULL,
    CONSTRAINT archive_pk PRIMARY KEY (archive_id),
    CONSTRAINT archive_run_fk FOREIGN KEY (run_id) REFERENCES ${schema}.RUN (run_id)
)</#assign>
<@lib.ensure kind="TABLE" owner=schemaName name="ARCHIVE" ddl=ddl/>

<#assign ddl>
CREATE INDEX ${schema}.ARCHIVE_BY_RUN ON ${schema}.ARCHIVE (run_id)</#assign>
<@lib.ensure kind="INDEX" owner=schemaName name="ARCHIVE_BY_RUN" ddl=ddl/>

-- An expired run's backup rows are gone (docs/archive.md#expiry): restoring nothing is not a rollback. Every
-- rollback (the runner's, the job package's ROLLBACK_RUN, the restorer's) first sets the run 'rolling back', so
-- the refusal is here, once for every job; the runner puts an expired run back to its former status after loading
-- an archive (declutter rollback --from), which this allows.
CREATE OR REPLACE TRIGGER ${schema}.RUN_EXPIRED_GUARD
    BEFORE UPDATE OF status ON ${schema}.RUN
    FOR EACH ROW
    WHEN (old.status = 'expired' AND new.status NOT IN ('expired', 'done', 'rolled back'))
DECLARE
    v_archives VARCHAR2(2000 BYTE);
BEGIN
    SELECT SUBSTRB(LISTAGG(location, ', ') WITHIN GROUP (ORDER BY archive_id), 1, 1500) INTO v_archives
      FROM ${schema}.ARCHIVE WHERE run_id = :old.run_id;
    RAISE_APPLICATION_ERROR(-20010, 'declutter: the backup of run ' || :old.run_id || ' of job ' || :old.job
        || ' has expired and is no longer in the database; '
        || CASE WHEN v_archives IS NULL THEN 'no archive of it is recorded'
                ELSE 'archives: ' || v_archives || '. Restore one with declutter rollback --run ' || :old.run_id
                     || ' --from DIR' END);
END RUN_EXPIRED_GUARD;
/
