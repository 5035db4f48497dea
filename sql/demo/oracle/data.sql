-- declutter demo data for Oracle (a smaller, deterministic version of sql/demo/postgres/data.sql): 40 tenants,
-- 8 of them closed more than 90 days ago (id % 5 = 0), 4 closed recently (id % 7 = 0). Statements end with "/".
BEGIN
    INSERT INTO app.countries (code, name) VALUES ('US', 'United States');
    INSERT INTO app.countries (code, name) VALUES ('DE', 'Germany');
    INSERT INTO app.plans (id, name, monthly_price) VALUES (1, 'Free', 0);
    INSERT INTO app.plans (id, name, monthly_price) VALUES (2, 'Team', 49);
    FOR t IN 1 .. 40 LOOP
        INSERT INTO app.tenants (id, name, status, closed_at, country_code, plan_id, created_at)
        VALUES (t, 'Tenant ' || t,
                CASE WHEN MOD(t, 5) = 0 OR MOD(t, 7) = 0 THEN 'closed' ELSE 'active' END,
                CASE WHEN MOD(t, 5) = 0 THEN SYSTIMESTAMP - NUMTODSINTERVAL(120 + t, 'DAY')
                     WHEN MOD(t, 7) = 0 THEN SYSTIMESTAMP - NUMTODSINTERVAL(10, 'DAY') END,
                CASE WHEN MOD(t, 2) = 0 THEN 'US' ELSE 'DE' END, 1 + MOD(t, 2), SYSTIMESTAMP - NUMTODSINTERVAL(900, 'DAY'));
        FOR k IN 1 .. 5 LOOP
            INSERT INTO app.users (id, tenant_id, email, display_name, is_admin, created_at)
            VALUES ((t - 1) * 5 + k, t, 'user' || k || '@tenant' || t || '.example', 'User ' || k, CASE WHEN k = 1 THEN 1 ELSE 0 END,
                    SYSTIMESTAMP - NUMTODSINTERVAL(800, 'DAY'));
        END LOOP;
        INSERT INTO app.teams (id, tenant_id, name, created_at) VALUES (t, t, 'Engineering', SYSTIMESTAMP);
        INSERT INTO app.team_members (team_id, user_id, role, joined_at) VALUES (t, (t - 1) * 5 + 1, 'lead', SYSTIMESTAMP);
        INSERT INTO app.projects (id, tenant_id, owner_user_id, name, archived, created_at)
        VALUES (t, t, (t - 1) * 5 + 1, 'Project ' || t, 0, SYSTIMESTAMP);
        INSERT INTO app.folders (id, project_id, parent_folder_id, name, created_at) VALUES (t * 10, t, NULL, 'root', SYSTIMESTAMP);
        INSERT INTO app.folders (id, project_id, parent_folder_id, name, created_at) VALUES (t * 10 + 1, t, t * 10, 'docs', SYSTIMESTAMP);
        INSERT INTO app.documents (id, folder_id, author_id, title, mime_type, created_at)
        VALUES (t, t * 10 + 1, (t - 1) * 5 + 2, 'Spec ' || t, 'text/plain', SYSTIMESTAMP);
        INSERT INTO app.document_versions (document_id, version_no, size_bytes, body, created_at)
        VALUES (t, 1, 5, TO_CLOB('hello ') || RPAD('x', 4000, 'x'), SYSTIMESTAMP);
        INSERT INTO app.comments (id, document_id, version_no, user_id, body, resolved, created_at)
        VALUES (t, t, 1, (t - 1) * 5 + 3, 'Looks good', 0, SYSTIMESTAMP);
        INSERT INTO app.tags (id, tenant_id, name, color) VALUES (t, t, 'urgent', 'red');
        INSERT INTO app.document_tags (document_id, tag_id, tagged_at) VALUES (t, t, SYSTIMESTAMP);
        INSERT INTO app.invoices (id, tenant_id, invoice_no, status, currency, issued_at, due_at)
        VALUES (t, t, 'INV-' || t, 'paid', 'EUR', SYSTIMESTAMP, SYSTIMESTAMP);
        INSERT INTO app.invoice_lines (id, invoice_id, description, quantity, unit_price) VALUES (t, t, 'Seats', 3, 10);
        INSERT INTO app.payments (id, invoice_id, amount, method, paid_at) VALUES (t, t, 30, 'card', SYSTIMESTAMP);
        INSERT INTO app.refunds (id, payment_id, amount, reason, refunded_at) VALUES (t, t, 5, 'goodwill', SYSTIMESTAMP);
        INSERT INTO app.api_keys (id, user_id, label, key_hash, revoked, created_at)
        VALUES (t, (t - 1) * 5 + 1, 'ci', 'hash' || t, 0, SYSTIMESTAMP);
        INSERT INTO app.audit_events (tenant_id, user_id, action, payload, occurred_at)
        VALUES (t, (t - 1) * 5 + 1, 'login', '{"ip": "10.0.0.1"}', SYSTIMESTAMP);
    END LOOP;
    COMMIT;
END;
/
