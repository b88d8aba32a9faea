//! Correcting the record of a hero: back to draft (and the public side forgets
//! it), a draft deleted, a duplicate merged into the kept record, a contact
//! removed only once confirmed.

use sqlx::PgPool;
use uuid::Uuid;

use crate::helpers::{NewHero, Role, TestApp, follow, location, page_text, test_config, text_of};

async fn hero(app: &TestApp, name: &str, agency: &str, confirmed: bool) -> Uuid {
    app.hero(NewHero {
        name,
        agency,
        confirmed,
        ..NewHero::default()
    })
    .await
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn an_unpublished_hero_leaves_the_public_side_at_once_and_the_reason_is_audited(pool: PgPool) {
    // The page cache on, as in production: it must forget the page.
    let app = TestApp::with_config(pool, test_config(&[("PUBLIC_CACHE_SECONDS", "60")])).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let id = hero(&app, "Julian Becerra", "Springfield PD", true).await;
    let visitor = app.browser();
    assert_eq!(visitor.get(&format!("/heroes/{id}")).await.status_code(), 200);
    assert!(page_text(&visitor.get("/honor-roll").await.text()).contains("Julian Becerra"));

    let ask = staff.get(&format!("/staff/heroes/{id}/unpublish")).await;
    assert_eq!(ask.status_code(), 200);
    let empty = staff
        .post(&format!("/staff/heroes/{id}/unpublish"))
        .form(&[("reason", "")])
        .await;
    assert_eq!(empty.status_code(), 422);
    assert_eq!(
        text_of(&empty.text(), "reason-error").as_deref(),
        Some("Reason is required.")
    );
    let hostile = staff
        .post(&format!("/staff/heroes/{id}/unpublish"))
        .form(&[("reason", "x".repeat(501))])
        .await;
    assert_eq!(hostile.status_code(), 422);
    assert_eq!(
        app.count("select count(*) from heroes where confirmed_at is null")
            .await,
        0,
        "still published"
    );

    let response = staff
        .post(&format!("/staff/heroes/{id}/unpublish"))
        .form(&[("reason", "The agency says the death was not in the line of duty")])
        .await;
    assert_eq!(response.status_code(), 303);
    assert!(page_text(&follow(&staff, &response).await.text()).contains("Julian Becerra is a draft again"));
    assert_eq!(visitor.get(&format!("/heroes/{id}")).await.status_code(), 404);
    assert!(!page_text(&visitor.get("/honor-roll").await.text()).contains("Julian Becerra"));
    let summary: String = sqlx::query_scalar("select summary from audit_log where action = 'hero.unpublished'")
        .fetch_one(&app.pool)
        .await
        .expect("audited");
    assert!(summary.ends_with("The agency says the death was not in the line of duty"));
    let again = staff
        .post(&format!("/staff/heroes/{id}/unpublish"))
        .form(&[("reason", "twice")])
        .await;
    assert!(page_text(&follow(&staff, &again).await.text()).contains("This hero is already a draft."));

    // Republished by confirming again.
    let back = staff
        .post(&format!("/staff/heroes/{id}/confirm"))
        .form(&[("source", "Agency letter")])
        .await;
    assert_eq!(back.status_code(), 303);
    assert_eq!(visitor.get(&format!("/heroes/{id}")).await.status_code(), 200);
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_draft_can_be_deleted_but_not_a_record_that_holds_a_mile(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let draft = hero(&app, "Mistyped Name", "Springfield PD", false).await;
    let held = hero(&app, "Held Draft", "Springfield PD", false).await;
    let runner = app.runner("Zechariah").await;
    app.mile(1, held, runner, "2026-11-20").await;

    assert_eq!(
        staff.get(&format!("/staff/heroes/{draft}/delete")).await.status_code(),
        200
    );
    let response = staff.post(&format!("/staff/heroes/{draft}/delete")).await;
    assert_eq!(location(&response), "/staff/heroes");
    assert_eq!(
        app.count("select count(*) from heroes where full_name = 'Mistyped Name'")
            .await,
        0
    );
    assert_eq!(
        app.count("select count(*) from audit_log where action = 'hero.deleted'")
            .await,
        1
    );

    let refused = staff.post(&format!("/staff/heroes/{held}/delete")).await;
    assert!(
        page_text(&follow(&staff, &refused).await.text())
            .contains("Only a draft with no mile, run or campaign can be deleted.")
    );
    assert_eq!(
        app.count("select count(*) from heroes where full_name = 'Held Draft'")
            .await,
        1
    );
    let visitor = app.browser().post(&format!("/staff/heroes/{held}/delete")).await;
    assert!(location(&visitor).starts_with("/login"));
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_duplicate_is_merged_into_the_kept_record_with_everything_it_holds(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let kept = hero(&app, "Julian Becerra", "Springfield PD", true).await;
    let duplicate = hero(&app, "Julian Becerra", "Springfield Police Department", true).await;
    let runner = app.runner("Zechariah").await;
    let mile = app.mile(1294, duplicate, runner, "2026-11-20").await;
    sqlx::query("insert into flags (id, mile_id, kind, created_at, updated_at) values (gen_random_uuid(), $1, 'thin_blue_line', now(), now())")
        .bind(mile)
        .execute(&app.pool)
        .await
        .expect("flag");
    sqlx::query("insert into hero_contacts (id, hero_id, kind, name, created_at, updated_at) values (gen_random_uuid(), $1, 'family', 'Maria Becerra', now(), now())")
        .bind(duplicate)
        .execute(&app.pool)
        .await
        .expect("contact");
    sqlx::query(
        "insert into campaigns (id, hero_id, title, donation_url, goal_cents, opens_on, closes_on, created_at, updated_at)
         values (gen_random_uuid(), $1, 'Help the Becerras', 'https://donate.example.org/b', 1000000, '2026-11-20', '2026-12-04', now(), now())",
    )
    .bind(duplicate)
    .execute(&app.pool)
    .await
    .expect("campaign");
    let photo = format!("{}.jpg", "a".repeat(64));
    sqlx::query("update heroes set photo_key = $2 where id = $1")
        .bind(duplicate)
        .bind(&photo)
        .execute(&app.pool)
        .await
        .expect("photo");

    // Asked, then shown both records, then confirmed.
    let ask = staff.get(&format!("/staff/heroes/{duplicate}/merge")).await;
    assert_eq!(ask.status_code(), 200);
    let bad = staff
        .get(&format!("/staff/heroes/{duplicate}/merge"))
        .add_query_param("into", "<b>nobody</b>")
        .await;
    assert_eq!(bad.status_code(), 422);
    assert!(!bad.text().contains("<b>nobody</b>"));
    assert_eq!(
        text_of(&bad.text(), "into-error").as_deref(),
        Some("Paste the address or the id of the record to keep.")
    );
    let itself = staff
        .get(&format!("/staff/heroes/{duplicate}/merge?into={duplicate}"))
        .await;
    assert_eq!(
        text_of(&itself.text(), "into-error").as_deref(),
        Some("A record cannot be merged into itself.")
    );
    let address = format!("https://honormile.example/heroes/{kept}");
    let confirm = staff
        .get(&format!("/staff/heroes/{duplicate}/merge"))
        .add_query_param("into", &address)
        .await;
    assert_eq!(confirm.status_code(), 200);
    assert!(page_text(&confirm.text()).contains("will be merged into Julian Becerra (Springfield PD"));

    let response = staff
        .post(&format!("/staff/heroes/{duplicate}/merge"))
        .form(&[("into", address.as_str())])
        .await;
    assert_eq!(location(&response), format!("/staff/heroes/{kept}"));
    let page = page_text(&follow(&staff, &response).await.text());
    assert!(
        page.contains("Mile 1,294") && page.contains("Maria Becerra") && page.contains("Help the Becerras"),
        "{page}"
    );
    assert_eq!(app.count("select count(*) from heroes").await, 1);
    let kept_photo: Option<String> = sqlx::query_scalar("select photo_key from heroes where id = $1")
        .bind(kept)
        .fetch_one(&app.pool)
        .await
        .expect("kept");
    assert_eq!(kept_photo.as_deref(), Some(photo.as_str()), "the photo moved");
    let honored = app.browser().get("/honor-roll?status=honored").await.text();
    assert!(
        page_text(&honored).contains("Julian Becerra"),
        "the moved mile honours the kept hero"
    );
    let old = app.browser().get(&format!("/heroes/{duplicate}")).await;
    assert_eq!(old.status_code(), 308);
    assert_eq!(location(&old), format!("/heroes/{kept}"));
    let summary: String = sqlx::query_scalar("select summary from audit_log where action = 'hero.merged'")
        .fetch_one(&app.pool)
        .await
        .expect("audited");
    assert!(
        summary.contains(&duplicate.to_string()) && summary.contains(&kept.to_string()),
        "{summary}"
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn removing_a_contact_asks_first(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let id = hero(&app, "Julian Becerra", "Springfield PD", true).await;
    let contact = Uuid::now_v7();
    sqlx::query("insert into hero_contacts (id, hero_id, kind, name, created_at, updated_at) values ($1, $2, 'family', 'Maria Becerra', now(), now())")
        .bind(contact)
        .bind(id)
        .execute(&app.pool)
        .await
        .expect("contact");
    let record = staff.get(&format!("/staff/heroes/{id}")).await.text();
    let ask = format!("/staff/heroes/{id}/contacts/{contact}/delete");
    assert!(
        record.contains(&format!(r#"<a href="{ask}">Remove Maria Becerra</a>"#)),
        "a link to a question, not a button that removes"
    );
    let page = staff.get(&ask).await;
    assert_eq!(page.status_code(), 200);
    let text = page_text(&page.text());
    assert!(text.contains("Remove Maria Becerra") && text.contains("Keep it as it is"));
    assert_eq!(
        app.count("select count(*) from hero_contacts").await,
        1,
        "asking removes nothing"
    );
}
