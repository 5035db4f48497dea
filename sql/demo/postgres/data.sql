-- declutter demo data (PostgreSQL 15+), load after schema.sql.
--
-- Fully deterministic: no random(); every value is derived from
-- generate_series indexes and parent ids with modulo arithmetic, and every
-- explicit id comes from row_number() over a total order. Only the two
-- closed_at values are relative to now(), by design (retention rules).
--
-- Tenant lifecycle (40 tenants):
--   id % 5 = 0                 -> 'closed', closed_at = now() - 120 days - id days
--                                 (8 tenants: 5,10,...,40; purgeable under a 90-day rule)
--   id % 7 = 0 and id % 5 <> 0 -> 'closed', closed_at = now() - 10 days
--                                 (4 tenants: 7,14,21,28; too recent, must NOT be purged)
--   otherwise                  -> 'active' (28 tenants)
--
-- All cross-references stay inside one tenant (authors, owners, commenters,
-- team members, tags are always picked from the same tenant), so purging one
-- tenant never needs to touch another tenant's rows.
--
-- Picking "a user of tenant T": users get dense ids ordered by (tenant, k),
-- so tenant T owns ids first_id .. first_id + n - 1 (see the tu CTEs).

BEGIN;

-- Countries (global).
INSERT INTO app.countries (code, name) VALUES
    ('US', 'United States'), ('CA', 'Canada'),  ('GB', 'United Kingdom'),
    ('DE', 'Germany'),       ('FR', 'France'),  ('NL', 'Netherlands'),
    ('ES', 'Spain'),         ('IT', 'Italy'),   ('SE', 'Sweden'),
    ('PL', 'Poland'),        ('JP', 'Japan'),   ('AU', 'Australia'),
    ('BR', 'Brazil'),        ('IN', 'India');   -- BR and IN are not used by any tenant

-- Plans (global).
INSERT INTO app.plans (id, name, monthly_price) VALUES
    (1, 'Free',       0.00),
    (2, 'Starter',   19.00),
    (3, 'Team',      49.00),
    (4, 'Business', 149.00),
    (5, 'Legacy',    99.00);                    -- not used by any tenant

-- Tenants: 40, names are unique (8 adjectives x 5 nouns).
INSERT INTO app.tenants (id, name, status, closed_at, country_code, plan_id, created_at)
SELECT t,
       (ARRAY['Blue','Bright','Quiet','Rapid','Silver','Northern','Golden','Clever'])[1 + (t - 1) % 8]
         || ' ' ||
       (ARRAY['Harbor Ltd','Labs','Systems','Works','Partners'])[1 + (t - 1) / 8],
       CASE WHEN t % 5 = 0 OR t % 7 = 0 THEN 'closed' ELSE 'active' END,
       CASE WHEN t % 5 = 0 THEN now() - interval '120 days' - (t || ' days')::interval
            WHEN t % 7 = 0 THEN now() - interval '10 days'
       END,
       (ARRAY['US','CA','GB','DE','FR','NL','ES','IT','SE','PL','JP','AU'])[1 + (t * 7) % 12],
       1 + (t * 3) % 4,
       timestamptz '2021-01-04 09:00:00+00' + (t * 9) * interval '1 day'
FROM generate_series(1, 40) AS t;

-- Users: 24..52 per tenant; the first two of each tenant are admins.
INSERT INTO app.users (id, tenant_id, email, display_name, is_admin, created_at)
SELECT row_number() OVER (ORDER BY t.id, k),
       t.id,
       format('user%s@tenant%s.example', k, t.id),
       (ARRAY['Ada','Ben','Chloe','Dev','Elena','Farid','Grace','Hugo','Ines','Jonas','Kira','Luis'])[1 + (k * 5 + t.id) % 12]
         || ' ' ||
       (ARRAY['Nguyen','Okafor','Patel','Quinn','Rossi','Schmidt','Tanaka','Usman','Varga','Weber'])[1 + (k * 3 + t.id * 7) % 10],
       k <= 2,
       t.created_at + (k * 3) * interval '1 day' + (k % 9) * interval '1 hour'
FROM app.tenants t
CROSS JOIN LATERAL generate_series(1, 24 + (t.id * 17) % 29) AS k;

-- Teams: 3..7 per tenant.
INSERT INTO app.teams (id, tenant_id, name, created_at)
SELECT row_number() OVER (ORDER BY t.id, k),
       t.id,
       (ARRAY['Engineering','Design','Sales','Support','Marketing','Finance','Operations'])[k],
       t.created_at + k * interval '2 days'
FROM app.tenants t
CROSS JOIN LATERAL generate_series(1, 3 + t.id % 5) AS k;

-- Team members (DIAMOND): every user is in one team of its tenant, every
-- third user also in the next team; the first user placed in a team leads it.
INSERT INTO app.team_members (team_id, user_id, role, joined_at)
WITH tu AS (SELECT tenant_id, min(id) AS first_id FROM app.users GROUP BY tenant_id),
     tt AS (SELECT tenant_id, min(id) AS first_id, count(*)::int AS n FROM app.teams GROUP BY tenant_id)
SELECT tt.first_id + (((u.id - tu.first_id) % tt.n) + s) % tt.n,
       u.id,
       CASE WHEN s = 0 AND u.id - tu.first_id < tt.n THEN 'lead' ELSE 'member' END,
       u.created_at + (1 + s * 30) * interval '1 day'
FROM app.users u
JOIN tu ON tu.tenant_id = u.tenant_id
JOIN tt ON tt.tenant_id = u.tenant_id
CROSS JOIN generate_series(0, 1) AS s
WHERE s = 0 OR (u.id - tu.first_id) % 3 = 0;

-- Projects: 6..9 per tenant, owned by a user of the same tenant.
INSERT INTO app.projects (id, tenant_id, owner_user_id, name, archived, created_at)
WITH tu AS (SELECT tenant_id, min(id) AS first_id, count(*)::int AS n FROM app.users GROUP BY tenant_id)
SELECT row_number() OVER (ORDER BY t.id, k),
       t.id,
       tu.first_id + (k * 7 + t.id) % tu.n,
       (ARRAY['Website','Mobile App','Onboarding','Q3 Launch','Handbook','Data Platform','Billing','Research','Brand','Hiring'])[k],
       k % 6 = 0,
       t.created_at + (k * 11) * interval '1 day'
FROM app.tenants t
JOIN tu ON tu.tenant_id = t.id
CROSS JOIN LATERAL generate_series(1, 6 + (t.id * 3) % 4) AS k;

-- Folders, level 0: exactly one root folder per project (parent NULL).
INSERT INTO app.folders (id, project_id, parent_folder_id, name, created_at)
SELECT row_number() OVER (ORDER BY p.id),
       p.id, NULL, '/', p.created_at
FROM app.projects p;

-- Folders, level 1: 2..4 children under each root.
INSERT INTO app.folders (id, project_id, parent_folder_id, name, created_at)
SELECT (SELECT max(id) FROM app.folders) + row_number() OVER (ORDER BY f.id, k),
       f.project_id, f.id,
       (ARRAY['Specs','Designs','Meeting notes','Archive'])[k],
       f.created_at + k * interval '1 day'
FROM app.folders f
CROSS JOIN LATERAL generate_series(1, 2 + f.project_id % 3) AS k
WHERE f.parent_folder_id IS NULL;

-- Folders, level 2: 2 children under each level-1 folder.
INSERT INTO app.folders (id, project_id, parent_folder_id, name, created_at)
SELECT (SELECT max(id) FROM app.folders) + row_number() OVER (ORDER BY f.id, k),
       f.project_id, f.id,
       (ARRAY['2023','2024'])[k],
       f.created_at + k * interval '7 days'
FROM app.folders f
JOIN app.folders parent ON parent.id = f.parent_folder_id AND parent.parent_folder_id IS NULL
CROSS JOIN generate_series(1, 2) AS k;

-- Folders, level 3: 1..2 children under two thirds of the level-2 folders.
INSERT INTO app.folders (id, project_id, parent_folder_id, name, created_at)
SELECT (SELECT max(id) FROM app.folders) + row_number() OVER (ORDER BY f.id, k),
       f.project_id, f.id,
       (ARRAY['drafts','final'])[k],
       f.created_at + k * interval '3 days'
FROM app.folders f
JOIN app.folders l1   ON l1.id = f.parent_folder_id
JOIN app.folders root ON root.id = l1.parent_folder_id AND root.parent_folder_id IS NULL
CROSS JOIN LATERAL generate_series(1, 1 + f.id % 2) AS k
WHERE f.id % 3 <> 0;

-- Documents: 1..4 per folder, authored by a user of the folder's tenant.
INSERT INTO app.documents (id, folder_id, author_id, title, mime_type, created_at)
WITH tu AS (SELECT tenant_id, min(id) AS first_id, count(*)::int AS n FROM app.users GROUP BY tenant_id)
SELECT row_number() OVER (ORDER BY f.id, k),
       f.id,
       tu.first_id + (f.id * 13 + k * 7) % tu.n,
       (ARRAY['Overview','Requirements','Roadmap','Retro','Budget','Checklist','Proposal','Minutes'])[1 + (f.id + k * 3) % 8]
         || ' ' || f.id || '-' || k,
       (ARRAY['text/markdown','application/pdf','text/plain','image/png'])[1 + (f.id * 3 + k) % 4],
       f.created_at + (k * 2) * interval '1 day' + (f.id % 24) * interval '1 hour'
FROM app.folders f
JOIN app.projects p ON p.id = f.project_id
JOIN tu ON tu.tenant_id = p.tenant_id
CROSS JOIN LATERAL generate_series(1, 1 + (f.id * 7) % 4) AS k;

-- Document versions: 1..4 per document, version_no = 1..n.
INSERT INTO app.document_versions (document_id, version_no, size_bytes, body, created_at)
SELECT d.id, v,
       length(b.body),
       b.body,
       d.created_at + ((v - 1) * 2) * interval '1 day'
FROM app.documents d
CROSS JOIN LATERAL generate_series(1, 1 + (d.id * 13) % 4) AS v
CROSS JOIN LATERAL (SELECT format('%s, revision %s. %s', d.title, v,
                                  repeat('Lorem ipsum dolor sit amet. ', (1 + (d.id + v) % 5)::int)) AS body) b;

-- Comments: 0..2 per version, written by a user of the document's tenant.
INSERT INTO app.comments (id, document_id, version_no, user_id, body, resolved, created_at)
WITH tu AS (SELECT tenant_id, min(id) AS first_id, count(*)::int AS n FROM app.users GROUP BY tenant_id)
SELECT row_number() OVER (ORDER BY dv.document_id, dv.version_no, c),
       dv.document_id, dv.version_no,
       tu.first_id + (dv.document_id * 11 + dv.version_no * 5 + c * 3) % tu.n,
       (ARRAY['Looks good to me.','Can we clarify this section?','Typo in the second paragraph.',
              'Please add numbers.','Approved.','Needs legal review.'])[1 + (dv.document_id + c) % 6],
       (dv.document_id + c) % 4 = 0,
       dv.created_at + (c * 5 + 1) * interval '1 hour'
FROM app.document_versions dv
JOIN app.documents d ON d.id = dv.document_id
JOIN app.folders f   ON f.id = d.folder_id
JOIN app.projects p  ON p.id = f.project_id
JOIN tu ON tu.tenant_id = p.tenant_id
CROSS JOIN LATERAL generate_series(1, (dv.document_id * 31 + dv.version_no * 7) % 3) AS c;

-- Tags: 8..16 per tenant, unique name per tenant.
INSERT INTO app.tags (id, tenant_id, name, color)
SELECT row_number() OVER (ORDER BY t.id, k),
       t.id,
       (ARRAY['urgent','draft','legal','finance','design','backend','frontend','customer',
              'internal','q1','q2','q3','q4','blocked','review','done'])[k],
       (ARRAY['#e11d48','#f59e0b','#10b981','#3b82f6','#8b5cf6','#64748b'])[1 + (k + t.id) % 6]
FROM app.tenants t
CROSS JOIN LATERAL generate_series(1, 8 + t.id % 9) AS k;

-- Document tags: 0..3 distinct tags per document, from the document's tenant.
INSERT INTO app.document_tags (document_id, tag_id, tagged_at)
WITH tg AS (SELECT tenant_id, min(id) AS first_id, count(*)::int AS n FROM app.tags GROUP BY tenant_id)
SELECT d.id,
       tg.first_id + (d.id + j) % tg.n,          -- j < 3 < n, so the tags are distinct
       d.created_at + (j + 1) * interval '1 hour'
FROM app.documents d
JOIN app.folders f  ON f.id = d.folder_id
JOIN app.projects p ON p.id = f.project_id
JOIN tg ON tg.tenant_id = p.tenant_id
CROSS JOIN LATERAL generate_series(0, (d.id * 5) % 4 - 1) AS j;

-- Invoices: 12..24 monthly invoices per tenant. The latest one of an active
-- tenant is still open; about 1 in 17 is void; the rest are paid.
INSERT INTO app.invoices (id, tenant_id, invoice_no, status, currency, issued_at, due_at)
SELECT row_number() OVER (ORDER BY t.id, m),
       t.id,
       format('INV-%s-%s', lpad(t.id::text, 3, '0'), lpad(m::text, 4, '0')),
       CASE WHEN t.status = 'active' AND m = 12 + t.id % 13 THEN 'open'
            WHEN (t.id * 100 + m) % 17 = 0                  THEN 'void'
            ELSE 'paid' END,
       CASE WHEN t.country_code IN ('US','CA','AU') THEN 'USD'
            WHEN t.country_code = 'GB'              THEN 'GBP'
            WHEN t.country_code = 'JP'              THEN 'JPY'
            WHEN t.country_code = 'SE'              THEN 'SEK'
            WHEN t.country_code = 'PL'              THEN 'PLN'
            ELSE 'EUR' END,
       t.created_at + m * interval '1 month',
       t.created_at + m * interval '1 month' + interval '30 days'
FROM app.tenants t
CROSS JOIN LATERAL generate_series(1, 12 + t.id % 13) AS m;

-- Invoice lines: 1..4 per invoice (amount is generated = quantity * unit_price).
INSERT INTO app.invoice_lines (id, invoice_id, description, quantity, unit_price)
SELECT row_number() OVER (ORDER BY i.id, k),
       i.id,
       (ARRAY['Subscription','Extra seats','Storage add-on','Support package'])[k],
       1 + (i.id * 3 + k) % 10,
       round((5 + (i.id * 37 + k * 101) % 200) + ((i.id + k) % 100) / 100.0, 2)
FROM app.invoices i
CROSS JOIN LATERAL generate_series(1, 1 + i.id % 4) AS k;

-- Payments: one per paid invoice, for the invoice total.
INSERT INTO app.payments (id, invoice_id, amount, method, paid_at)
SELECT row_number() OVER (ORDER BY i.id),
       i.id,
       tot.amount,
       (ARRAY['card','sepa','wire'])[1 + i.id % 3],
       i.issued_at + (1 + i.id % 20) * interval '1 day'
FROM app.invoices i
CROSS JOIN LATERAL (SELECT sum(l.amount) AS amount FROM app.invoice_lines l WHERE l.invoice_id = i.id) tot
WHERE i.status = 'paid';

-- Refunds: a partial refund on every 9th payment.
INSERT INTO app.refunds (id, payment_id, amount, reason, refunded_at)
SELECT row_number() OVER (ORDER BY p.id),
       p.id,
       round(p.amount * (10 + p.id % 40) / 100.0, 2),
       (ARRAY['Service outage credit','Duplicate seat','Goodwill','Downgrade proration'])[1 + p.id % 4],
       p.paid_at + (3 + p.id % 10) * interval '1 day'
FROM app.payments p
WHERE p.id % 9 = 0;

-- API keys: every other user has one key, admins have a second (revoked) one.
INSERT INTO app.api_keys (id, user_id, label, key_hash, revoked, created_at, last_used_at)
SELECT row_number() OVER (ORDER BY u.id, k),
       u.id,
       CASE k WHEN 1 THEN 'CI pipeline' ELSE 'old laptop' END,
       encode(sha256(convert_to(format('declutter-demo-key-%s-%s', u.id, k), 'UTF8')), 'hex'),
       k = 2,
       u.created_at + (k * 10) * interval '1 day',
       CASE WHEN u.id % 4 = 1 THEN NULL
            ELSE u.created_at + (k * 10 + 5 + u.id % 30) * interval '1 day' END
FROM app.users u
CROSS JOIN LATERAL generate_series(1, CASE WHEN u.is_admin THEN 2 ELSE 1 END) AS k
WHERE u.is_admin OR u.id % 2 = 0;

-- Audit events: 1100..1599 per tenant; every 10th is a system event
-- (user_id NULL). id is GENERATED ALWAYS, hence OVERRIDING SYSTEM VALUE.
INSERT INTO app.audit_events (id, tenant_id, user_id, action, payload, occurred_at)
OVERRIDING SYSTEM VALUE
WITH tu AS (SELECT tenant_id, min(id) AS first_id, count(*)::int AS n FROM app.users GROUP BY tenant_id)
SELECT row_number() OVER (ORDER BY t.id, k),
       t.id,
       CASE WHEN k % 10 = 0 THEN NULL ELSE tu.first_id + (k * 7 + t.id) % tu.n END,
       a.action,
       jsonb_build_object(
           'ip',      format('10.%s.%s.%s', t.id, k % 256, (k * 7) % 256),
           'agent',   (ARRAY['web','ios','android','api'])[1 + (k + t.id) % 4],
           'seq',     k,
           'success', k % 23 <> 0),
       t.created_at + ((k * 17) % 900) * interval '1 day' + (k % 1440) * interval '1 minute'
FROM app.tenants t
JOIN tu ON tu.tenant_id = t.id
CROSS JOIN LATERAL generate_series(1, 1100 + (t.id * 37) % 500) AS k
CROSS JOIN LATERAL (SELECT CASE WHEN k % 10 = 0
                                THEN (ARRAY['system.backup','system.reindex'])[1 + k / 10 % 2]
                                ELSE (ARRAY['user.login','document.view','document.edit','comment.create',
                                            'project.update','user.logout','apikey.use'])[1 + (k * 3 + t.id) % 7]
                           END AS action) a;

-- Reset every identity sequence to max(id) so that later inserts work.
SELECT setval(pg_get_serial_sequence('app.tenants',       'id'), max(id)) FROM app.tenants;
SELECT setval(pg_get_serial_sequence('app.users',         'id'), max(id)) FROM app.users;
SELECT setval(pg_get_serial_sequence('app.teams',         'id'), max(id)) FROM app.teams;
SELECT setval(pg_get_serial_sequence('app.projects',      'id'), max(id)) FROM app.projects;
SELECT setval(pg_get_serial_sequence('app.folders',       'id'), max(id)) FROM app.folders;
SELECT setval(pg_get_serial_sequence('app.documents',     'id'), max(id)) FROM app.documents;
SELECT setval(pg_get_serial_sequence('app.comments',      'id'), max(id)) FROM app.comments;
SELECT setval(pg_get_serial_sequence('app.tags',          'id'), max(id)) FROM app.tags;
SELECT setval(pg_get_serial_sequence('app.invoices',      'id'), max(id)) FROM app.invoices;
SELECT setval(pg_get_serial_sequence('app.invoice_lines', 'id'), max(id)) FROM app.invoice_lines;
SELECT setval(pg_get_serial_sequence('app.payments',      'id'), max(id)) FROM app.payments;
SELECT setval(pg_get_serial_sequence('app.refunds',       'id'), max(id)) FROM app.refunds;
SELECT setval(pg_get_serial_sequence('app.api_keys',      'id'), max(id)) FROM app.api_keys;
SELECT setval(pg_get_serial_sequence('app.audit_events',  'id'), max(id)) FROM app.audit_events;

COMMIT;

ANALYZE;
