//! `honor-mile backup` and `honor-mile restore`: a round trip that gives back every
//! table exactly, and a restore that refuses a database already in use.

use std::process::{Command, Output};

use sqlx::PgPool;

use crate::support::{BIN, Database};

/// Rows in every table, of the shapes the program writes: accents and quotes,
/// nulls, JSON, arrays, bytes, timestamps to the microsecond, a voided mile, a
/// delivered flag, a paid grant.
const SEED: &str = r#"
insert into users (id, email, display_name, role, password_hash, active, session_epoch, created_at, updated_at) values
  ('01900000-0000-7000-8000-000000000001', 'ada@example.org', 'Ada Núñez', 'admin',
   '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$aGFzaGhhc2hoYXNo', true, 2,
   '2026-01-02 03:04:05.123456+00', '2026-03-04 05:06:07.654321+00'),
  ('01900000-0000-7000-8000-000000000002', 'sam@example.org', 'Sam O''Brien', 'staff', null, true, 0, now(), now());
insert into account_tokens (token_hash, purpose, user_id, created_by, created_at, expires_at) values
  (sha256('invite'::bytea), 'invite', '01900000-0000-7000-8000-000000000002',
   '01900000-0000-7000-8000-000000000001', now(), now() + interval '7 days');
insert into login_throttle (key, failures, window_started_at, locked_until) values
  ('email:sam@example.org', 3, now(), null),
  ('ip:203.0.113.9', 50, now(), now() + interval '15 minutes');
insert into sessions (id, data, expiry_date) values
  ('Yc8vE5bS9wq1JH2kR0pXcA', '{"auth": {"epoch": 2, "user_id": "01900000-0000-7000-8000-000000000001"}}',
   now() + interval '30 minutes');
insert into audit_log (occurred_at, actor_id, action, entity_type, entity_id, summary, details, client_ip) values
  (now(), '01900000-0000-7000-8000-000000000001', 'user.invited', 'user', '01900000-0000-7000-8000-000000000002',
   'ada@example.org invited sam@example.org', '{"role": "staff", "note": "tab\tand \"quotes\""}', '203.0.113.9'),
  (now(), null, 'sign_in.failed', 'user', null, 'failed sign-in for nobody@example.org', '{}', '198.51.100.7');
insert into heroes (id, full_name, rank_title, agency, agency_city, country, region, service, end_of_watch, cause,
                    age, years_of_service, badge_number, military_veteran, narrative, biography, memorial_links,
                    confirmed_at, confirmed_by, confirmation_source, created_at, created_by, updated_at, updated_by) values
  ('01900000-0000-7000-8000-000000000101', 'Julián Becerra', 'Officer', 'Fountain PD', 'Fountain', 'US', 'CO',
   'police', '2023-02-11', 'gunfire', 34, 9, '1701', true, 'Responded to a call for help.',
   E'Loved the community.\nCoached "little league".', array['https://example.org/memorial/1'],
   now(), '01900000-0000-7000-8000-000000000001', 'Agency press release',
   now(), '01900000-0000-7000-8000-000000000002', now(), '01900000-0000-7000-8000-000000000002'),
  ('01900000-0000-7000-8000-000000000103', 'Dana Draft', '', 'Springfield FD', '', 'US', 'IL', 'fire',
   '2024-07-04', 'fall', null, null, '', false, '', '', '{}', null, null, null, now(), null, now(), null);
insert into heroes (id, full_name, agency, country, region, service, end_of_watch, cause, age, k9_breed, k9_handler,
                    confirmed_at, confirmation_source, created_at, updated_at) values
  ('01900000-0000-7000-8000-000000000102', 'Rex', 'Ottawa Police Service', 'CA', 'ON', 'k9', '2022-05-01',
   'gunfire', 6, 'Belgian Malinois', 'Cst. Lee Tremblay', now(), 'Service notice', now(), now());
insert into hero_contacts (id, hero_id, kind, name, relationship, phone, email, postal_address, notes,
                           created_at, created_by, updated_at, updated_by) values
  ('01900000-0000-7000-8000-000000000201', '01900000-0000-7000-8000-000000000101', 'family', 'María Becerra',
   'mother', '+1 719 555 0100', 'maria@example.org', E'12 Elm St\nFountain, CO 80817', 'Prefers mornings.',
   now(), '01900000-0000-7000-8000-000000000002', now(), '01900000-0000-7000-8000-000000000002');
insert into hero_imports (id, created_by, created_at, file_name, rows, to_add, duplicates, errors, state,
                          processed, imported, finished_at) values
  ('01900000-0000-7000-8000-000000000301', '01900000-0000-7000-8000-000000000002', now(), 'heroes-2026.csv',
   '[{"row": 2, "full_name": "Julián Becerra"}]', 1, 0, 0, 'done', 1, 1, now());
insert into runners (id, name, birth_year, active, user_id, created_at, updated_at) values
  ('01900000-0000-7000-8000-000000000401', 'Zechariah', 2012, true, null, now(), now()),
  ('01900000-0000-7000-8000-000000000402', 'Sam', null, false, '01900000-0000-7000-8000-000000000002', now(), now());
insert into runs (id, run_date, start_time, place, route, escort_agency, participants, livestream_url, status,
                  completed_on, created_at, created_by, updated_at, updated_by) values
  ('01900000-0000-7000-8000-000000000501', '2026-03-01', '07:30', 'Layer Elementary School track', 'Seven laps',
   'Winter Springs PD', 'Zechariah and family', 'https://example.org/live', 'completed', '2026-03-01',
   now(), '01900000-0000-7000-8000-000000000002', now(), '01900000-0000-7000-8000-000000000002');
insert into run_heroes (run_id, hero_id) values
  ('01900000-0000-7000-8000-000000000501', '01900000-0000-7000-8000-000000000101');
insert into run_runners (run_id, runner_id) values
  ('01900000-0000-7000-8000-000000000501', '01900000-0000-7000-8000-000000000401');
update mile_counters set last_value = 2 where name = 'mile';
update mile_counters set last_value = 1 where name = 'k9';
insert into miles (id, number, k9_number, hero_id, run_id, runner_id, run_date, place, laps, duration_seconds,
                   weather, video_url, briefing, prayer_before, flag_carried, prayer_after, moment_of_silence,
                   form_key, voided_at, voided_by, void_reason, created_at, created_by, updated_at, updated_by) values
  ('01900000-0000-7000-8000-000000000601', 1, null, '01900000-0000-7000-8000-000000000101',
   '01900000-0000-7000-8000-000000000501', '01900000-0000-7000-8000-000000000401', '2026-03-01',
   'Layer Elementary School track', 7, 495, 'Rain', 'https://example.org/video/1', true, true, true, true, true,
   '0f0e0d0c-0b0a-4908-8706-050403020100', null, null, null,
   now(), '01900000-0000-7000-8000-000000000002', now(), '01900000-0000-7000-8000-000000000002'),
  ('01900000-0000-7000-8000-000000000602', 2, 1, '01900000-0000-7000-8000-000000000102', null,
   '01900000-0000-7000-8000-000000000401', '2026-03-02', 'Ottawa', 7, 540, '', '', false, false, true, false, true,
   '1f1e1d1c-1b1a-4918-8716-151413121110', now(), '01900000-0000-7000-8000-000000000001', 'Logged for the wrong K9',
   now(), '01900000-0000-7000-8000-000000000002', now(), '01900000-0000-7000-8000-000000000001');
insert into mile_corrections (mile_id, corrected_at, corrected_by, reason, before, after) values
  ('01900000-0000-7000-8000-000000000601', now(), '01900000-0000-7000-8000-000000000002', 'Typo in the weather',
   '{"weather": "Rian"}', '{"weather": "Rain"}');
insert into flags (id, mile_id, kind, step, note_text, note_writer, recipient_kind, recipient_name,
                   recipient_address, dispatch, sent_on, carrier, tracking_number, delivered_on,
                   delivery_confirmed_by, created_at, created_by, updated_at, updated_by) values
  ('01900000-0000-7000-8000-000000000701', '01900000-0000-7000-8000-000000000601', 'thin_blue_line', 'delivered',
   E'To the Becerra family,\nwith gratitude.', 'Zechariah', 'family', 'María Becerra',
   E'12 Elm St\nFountain, CO 80817', 'mail', '2026-03-05', 'usps', '9400 1000 0000 0000 0000 00', '2026-03-09',
   'María Becerra', now(), '01900000-0000-7000-8000-000000000002', now(), '01900000-0000-7000-8000-000000000002');
insert into flags (id, mile_id, kind, created_at, updated_at) values
  ('01900000-0000-7000-8000-000000000702', '01900000-0000-7000-8000-000000000602', 'k9_thin_blue_line', now(), now());
insert into flag_history (flag_id, occurred_at, actor_id, from_step, to_step, details) values
  ('01900000-0000-7000-8000-000000000701', now(), '01900000-0000-7000-8000-000000000002', null, 'waiting_for_note', '{}'),
  ('01900000-0000-7000-8000-000000000701', now(), '01900000-0000-7000-8000-000000000002', 'shipped', 'delivered',
   '{"confirmed_by": "María Becerra"}');
select setval('grant_reference_seq', 3);
insert into grant_applications (id, reference, kind, recipient_name, rank_title, service, agency, agency_place,
                                consent_to_name, injury_date, circumstances, amount_requested_cents, nominator_name,
                                nominator_relationship, contact_phone, contact_email, status, submitted_at,
                                updated_at, items_requested) values
  ('01900000-0000-7000-8000-000000000801', 'G-2026-000001', 'injury', 'Chris Doe', 'Firefighter', 'fire',
   'Springfield FD', 'Springfield, IL', false, '2026-01-20', 'Injured in a roof collapse.', 250000,
   'Pat Doe', 'spouse', '+1 217 555 0101', '', 'submitted', now(), now(), '');
insert into grant_applications (id, reference, kind, recipient_name, service, agency, consent_to_name,
                                circumstances, amount_requested_cents, nominator_name, contact_email, status,
                                submitted_at, entered_by, approved_cents, grant_month, first_approved_at,
                                first_approved_by, recipient_number, counted_at, paid_on, payment_method,
                                payment_reference, paid_recorded_at, paid_recorded_by, updated_at, items_requested) values
  ('01900000-0000-7000-8000-000000000802', 'G-2026-000002', 'k9_equipment', 'Ottawa K9 Unit', 'k9',
   'Ottawa Police Service', true, 'A cooling vest for the new K9.', 120000, 'Cst. Lee Tremblay',
   'lee@example.org', 'paid', now(), '01900000-0000-7000-8000-000000000002', 110000, '2026-03-01', now(),
   '01900000-0000-7000-8000-000000000001', 1, now(), '2026-03-10', 'check', 'CHK-1042', now(),
   '01900000-0000-7000-8000-000000000001', now(), 'Cooling vest; heat alarm');
update grant_recipient_counter set last_number = 1;
insert into grant_notes (id, application_id, author_id, body, created_at) values
  ('01900000-0000-7000-8000-000000000901', '01900000-0000-7000-8000-000000000801',
   '01900000-0000-7000-8000-000000000002', 'Called the nominator; documents on the way.', now());
update grant_settings set updated_at = now(), updated_by = '01900000-0000-7000-8000-000000000001';
insert into second_factors (user_id, secret, enrolled_at, last_used_step) values
  ('01900000-0000-7000-8000-000000000001', '\x3132333435363738393031323334353637383930', now(), 59300000);
insert into recovery_codes (user_id, code_hash, created_at, used_at) values
  ('01900000-0000-7000-8000-000000000001', sha256('abcdefghjkmnpqrstuvwxyz2'), now(), null),
  ('01900000-0000-7000-8000-000000000001', sha256('23456789abcdefghjkmnpqrs'), now() - interval '1 day', now());
insert into campaigns (id, hero_id, title, family_line, donation_url, goal_cents, raised_cents, opens_on, closes_on,
                       created_at, created_by, updated_at, updated_by, closed_at, closed_by) values
  ('01900000-0000-7000-8000-000000000a01', '01900000-0000-7000-8000-000000000101', 'Help the Becerra family',
   'For the family of Officer Becerra', 'https://example.org/give?c=1&x=%22q%22', 2500000, 1234567, '2026-11-20',
   '2026-12-03', now(), '01900000-0000-7000-8000-000000000002', now(), '01900000-0000-7000-8000-000000000002',
   null, null);
insert into demo_data (loaded_at, seed) values (now(), 42);
"#;

fn honor_mile(database_url: &str, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "off")
        .output()
        .expect("run the honor-mile binary")
}

fn one_line(output: &Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one line, got: {stderr}");
    lines[0].to_string()
}

async fn tables(pool: &PgPool) -> Vec<String> {
    sqlx::query_scalar(
        "select table_name::text from information_schema.tables
         where table_schema = 'public' and table_type = 'BASE TABLE' order by 1",
    )
    .fetch_all(pool)
    .await
    .expect("list tables")
}

/// A table's rows, as a count and a digest of their text in a fixed order.
async fn contents(pool: &PgPool, table: &str) -> (i64, String) {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        r#"select count(*), coalesce(md5(string_agg(t::text, E'\n' order by t::text)), '') from "{table}" t"#
    )))
    .fetch_one(pool)
    .await
    .unwrap_or_else(|e| panic!("read {table}: {e}"))
}

async fn sequences(pool: &PgPool) -> Vec<(String, Option<i64>)> {
    sqlx::query_as("select sequencename::text, last_value from pg_sequences where schemaname = 'public' order by 1")
        .fetch_all(pool)
        .await
        .expect("list sequences")
}

#[tokio::test]
async fn a_backup_restored_into_an_empty_database_gives_back_every_table() {
    let source = Database::create("backup_source").await;
    let pool = source.pool().await;
    honor_mile::MIGRATOR.run(&pool).await.expect("migrate the source");
    sqlx::raw_sql(SEED).execute(&pool).await.expect("seed every table");
    for table in tables(&pool).await {
        let (rows, _) = contents(&pool, &table).await;
        let known = !table.starts_with('_') && SEED.contains(&format!(" {table} "));
        assert!(!known || rows > 0, "{table} has rows to compare");
    }

    let folder = std::env::temp_dir().join(format!("honor-mile-backup-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&folder).expect("backup folder");
    let file = folder.join("honor-mile.dump");
    let file_arg = file.to_string_lossy().into_owned();
    let backup = honor_mile(&source.url, &["backup", &file_arg]);
    assert!(
        backup.status.success(),
        "backup: {}",
        String::from_utf8_lossy(&backup.stderr)
    );
    assert!(String::from_utf8_lossy(&backup.stdout).contains("Backed up"));
    assert!(file.is_file());
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&file).expect("backup file").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "only its owner may read a backup");

    // The backup never overwrites an earlier one.
    let again = honor_mile(&source.url, &["backup", &file_arg]);
    assert!(!again.status.success());
    assert!(one_line(&again).contains("already exists"));

    let target = Database::fresh("backup_target");
    let restore = honor_mile(&target.url, &["restore", &file_arg]);
    assert!(
        restore.status.success(),
        "restore: {}",
        String::from_utf8_lossy(&restore.stderr)
    );

    let restored = target.pool().await;
    let source_tables = tables(&pool).await;
    assert_eq!(tables(&restored).await, source_tables, "the same tables");
    for table in &source_tables {
        assert_eq!(
            contents(&restored, table).await,
            contents(&pool, table).await,
            "{table} is restored exactly"
        );
    }
    assert_eq!(
        sequences(&restored).await,
        sequences(&pool).await,
        "counters continue where they were"
    );

    // A database with records in it is never restored into.
    let refused = honor_mile(&target.url, &["restore", &file_arg]);
    assert!(!refused.status.success());
    let line = one_line(&refused);
    assert!(line.contains("is not empty"), "{line}");
    assert_eq!(
        contents(&restored, "miles").await,
        contents(&pool, "miles").await,
        "the refused restore changed nothing"
    );

    // The restored database is a working Honor Mile database.
    let migrate = honor_mile(&target.url, &["migrate"]);
    assert!(migrate.status.success(), "{}", String::from_utf8_lossy(&migrate.stderr));

    restored.close().await;
    pool.close().await;
    let _ = std::fs::remove_dir_all(&folder);
}

#[test]
fn restoring_a_missing_file_says_so_in_one_line() {
    let target = Database::fresh("backup_missing");
    let output = honor_mile(&target.url, &["restore", "/nonexistent/honor-mile.dump"]);
    assert!(!output.status.success());
    assert!(one_line(&output).contains("cannot read /nonexistent/honor-mile.dump"));
}
