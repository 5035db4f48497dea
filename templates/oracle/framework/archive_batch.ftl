<#import "../lib.ftl" as lib>
<@lib.header object="table ${schema}.ARCHIVE_BATCH" purpose="one row per file the runner archived before a unit of a run committed (backup: {archive: DIR}): which backup rows, where, their checksum"/>
-- With 'backup: {archive: DIR}' the runner writes the backup rows each unit (cache step or delete batch) added to
-- compressed CSV files and fsyncs them before the unit commits; this row is inserted in the unit's transaction, so
-- it exists exactly when the unit committed (docs/archive.md#archive-before-delete). A file it does not list was
-- written by a unit that rolled back, and is removed when the run goes on. A file holds the rows of one backup table
-- with declutter_seq in (seq_after, seq_upto]. It holds no purged value. (FILE and ROWS are reserved words in
-- Oracle: file_name and row_count.)
<#assign ddl>
CREATE TABLE ${schema}.ARCHIVE_BATCH (
    run_id     NUMBER(19)               NOT NULL,
    batch      NUMBER(10)               NOT NULL,  -- the unit's number in the run's archive, from 1
    file_name  VARCHAR2(400 CHAR)       NOT NULL,  -- the file's name in the run's archive directory
    archive_id NUMBER(19)               NOT NULL,
    backup     VARCHAR2(128 CHAR)       NOT NULL,  -- the backup table, as its name is in the control table
    seq_after  NUMBER(19)               NOT NULL,
    seq_upto   NUMBER(19)               NOT NULL,
    row_count  NUMBER(19)               NOT NULL,
    sha256     VARCHAR2(64 CHAR)        NOT NULL,  -- of the file
    csv_sha256 VARCHAR2(64 CHAR)        NOT NULL,  -- of the CSV inside it
    created_at TIMESTAMP WITH TIME ZONE DEFAULT SYSTIMESTAMP NOT NULL,
    CONSTRAINT archive_batch_pk PRIMARY KEY (run_id, file_name),
    CONSTRAINT archive_batch_run_fk FOREIGN KEY (run_id) REFERENCES ${schema}.RUN (run_id),
    CONSTRAINT archive_batch_archive_fk FOREIGN KEY (archive_id) REFERENCES ${schema}.ARCHIVE (archive_id)
)</#assign>
<@lib.ensure kind="TABLE" owner=schemaName name="ARCHIVE_BATCH" ddl=ddl/>

<#assign ddl>
CREATE INDEX ${schema}.ARCHIVE_BATCH_BY_ARCHIVE ON ${schema}.ARCHIVE_BATCH (archive_id)</#assign>
<@lib.ensure kind="INDEX" owner=schemaName name="ARCHIVE_BATCH_BY_ARCHIVE" ddl=ddl/>
