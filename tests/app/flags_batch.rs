//! Printing in batches and correcting notes: every card to print on one page
//! and the address labels on Avery 5160 sheets (staff only, never public);
//! marking the batch printed, audited per flag; a note corrected until its
//! card is printed, its first text kept.

use axum_test::TestServer;
use honor_mile::flags::model::Step;
use sqlx::PgPool;
use uuid::Uuid;

use crate::flags::{SHIP, bring_to, hero, log_mile, post, runner, write_note, written};
use crate::helpers::{Role, TestApp, follow, location, page_text, text_of};
use crate::privacy::public_urls;

const MARKER: &str = "PRIVATE-LABEL-91c2";

/// A family contact with a postal address for `hero`.
async fn family_contact(staff: &TestServer, hero: Uuid, name: &str, address: &str) {
    let response = staff
        .post(&format!("/staff/heroes/{hero}/contacts"))
        .form(&[
            ("kind", "family"),
            ("name", name),
            ("relationship", "mother"),
            ("postal_address", address),
        ])
        .await;
    assert_eq!(response.status_code(), 303);
}

/// The form the cards page offers to mark the print printed: the flags on it
/// and when the print was made.
fn offered(html: &str) -> Vec<(String, String)> {
    let document = scraper::Html::parse_document(html);
    let selector =
        scraper::Selector::parse("form[action='/staff/flags/print/printed'] input[type=hidden]").expect("selector");
    document
        .select(&selector)
        .filter_map(|e| {
            Some((
                e.value().attr("name")?.to_string(),
                e.value().attr("value")?.to_string(),
            ))
        })
        .collect()
}

/// The flags on the print, in its order.
fn offered_ids(html: &str) -> Vec<String> {
    offered(html)
        .into_iter()
        .filter(|(name, _)| name == "flag")
        .map(|(_, id)| id)
        .collect()
}

fn count_in(html: &str, selector: &str) -> usize {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse(selector).expect("selector");
    document.select(&selector).count()
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn an_empty_batch_says_so_kindly(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let cards = staff.get("/staff/flags/print/cards").await;
    assert_eq!(cards.status_code(), 200);
    let text = text_of(&cards.text(), "batch-empty").expect("the empty batch says so");
    assert!(text.starts_with("Nothing to print right now"), "{text}");
    assert_eq!(count_in(&cards.text(), "form[action='/staff/flags/print/printed']"), 0);
    let labels = staff.get("/staff/flags/print/labels").await.text();
    assert!(text_of(&labels, "labels-empty").is_some_and(|t| t.starts_with("No labels to print right now")));
    // Marking an empty print marks nothing, and says so.
    let response = staff
        .post("/staff/flags/print/printed")
        .form(&Vec::<(String, String)>::new())
        .await;
    assert_eq!(location(&response), "/staff/flags/print/cards");
    assert!(page_text(&follow(&staff, &response).await.text()).contains("There were no cards on the print"));
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn every_card_to_print_is_on_one_print_each_on_its_own_page(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let runner = runner(&app).await;
    let written_one = log_mile(
        &app,
        &staff,
        hero(&app, "Julian Becerra", "police", "US").await,
        runner,
        "2026-11-20",
    )
    .await;
    let ready_one = log_mile(
        &app,
        &staff,
        hero(&app, "Ann Tran", "fire", "US").await,
        runner,
        "2026-11-21",
    )
    .await;
    let waiting = log_mile(
        &app,
        &staff,
        hero(&app, "Lee Park", "ems", "US").await,
        runner,
        "2026-11-22",
    )
    .await;
    let shipped = log_mile(
        &app,
        &staff,
        hero(&app, "Ola Brandt", "police", "US").await,
        runner,
        "2026-11-19",
    )
    .await;
    bring_to(&staff, written_one, Step::NoteWritten).await;
    bring_to(&staff, ready_one, Step::Ready).await;
    bring_to(&staff, shipped, Step::Shipped).await;
    staff.get("/staff").await;
    let page = staff.get("/staff/flags/print/cards").await.text();
    assert_eq!(
        count_in(&page, "article.batch-card"),
        2,
        "only the written, unsent flags"
    );
    let text = page_text(&page);
    assert!(text.contains("2 cards are ready to print"), "{text}");
    assert!(text.contains("In honour of Julian Becerra") && text.contains("In honour of Ann Tran"));
    assert!(!text.contains("Lee Park") && !text.contains("Ola Brandt"));
    assert!(text.contains("Thank you for his service."));
    // The mile run longest ago first.
    assert!(text.find("Julian Becerra") < text.find("Ann Tran"));
    assert_eq!(offered_ids(&page), vec![written_one.to_string(), ready_one.to_string()]);
    // Each card on its own page when printed: the print stylesheet says so.
    let css = staff.get("/static/css/print.css").await.text();
    assert!(css.contains(".batch-card { break-after: page;"), "{css}");
    assert_eq!(step_unchanged(&app, waiting).await, "waiting_for_note");
}

async fn step_unchanged(app: &TestApp, flag: Uuid) -> String {
    crate::flags::step_of(app, flag).await
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn labels_fill_avery_5160_sheets_of_thirty_from_the_family_addresses(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let runner = runner(&app).await;
    // 31 flags with their family's address, one with a chosen recipient, one with no address at all.
    for n in 0..31 {
        let hero = hero(&app, &format!("Hero {n:02}"), "police", "US").await;
        family_contact(
            &staff,
            hero,
            &format!("Family {n:02}"),
            &format!("{n} Elm Street\nFountain, CO 80817"),
        )
        .await;
        let flag = log_mile(&app, &staff, hero, runner, "2026-11-20").await;
        assert_eq!(
            write_note(&staff, flag, "With gratitude.", None).await.status_code(),
            303
        );
    }
    let chosen_hero = hero(&app, "Chosen Recipient", "fire", "US").await;
    family_contact(&staff, chosen_hero, "Family Other", "9 Other Road").await;
    let chosen = log_mile(&app, &staff, chosen_hero, runner, "2026-11-21").await;
    bring_to(&staff, chosen, Step::NoteWritten).await;
    let nowhere_hero = hero(&app, "No Address", "ems", "US").await;
    let nowhere = log_mile(&app, &staff, nowhere_hero, runner, "2026-11-22").await;
    assert_eq!(
        write_note(&staff, nowhere, "With gratitude.", None).await.status_code(),
        303
    );

    let page = staff.get("/staff/flags/print/labels").await.text();
    assert_eq!(count_in(&page, "ul.label-sheet"), 2);
    assert_eq!(count_in(&page, "ul.label-sheet:first-of-type li.label"), 30);
    assert_eq!(count_in(&page, "li.label"), 32);
    let text = page_text(&page);
    assert!(text.contains("32 labels on 2 sheets of 30"), "{text}");
    assert!(
        text.contains("Family 00 0 Elm Street Fountain, CO 80817 Family 01"),
        "{text}"
    );
    // The chosen recipient wins over the family contact.
    assert!(
        text.contains("Maria Becerra 12 Elm Street") && !text.contains("9 Other Road"),
        "{text}"
    );
    let missing = text_of(&page, "labels-missing").expect("the flag without an address is listed");
    assert!(missing.contains("No Address"), "{missing}");
    assert!(page.contains(&format!("/staff/flags/{nowhere}/recipient")));
    // The sheet's geometry, in inches.
    let css = staff.get("/static/css/print.css").await.text();
    for rule in [
        "@page labels { size: 8.5in 11in; margin: 0.5in 0.1875in; }",
        "grid-template-columns: repeat(3, 2.625in); grid-auto-rows: 1in; column-gap: 0.125in; row-gap: 0;",
        "width: 2.625in; height: 1in;",
    ] {
        assert!(css.contains(rule), "{rule}");
    }
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn labels_are_private_to_staff(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let hero = hero(&app, "Julian Becerra", "police", "US").await;
    family_contact(&staff, hero, &format!("Name {MARKER}"), &format!("1 {MARKER} Street")).await;
    let flag = log_mile(&app, &staff, hero, runner(&app).await, "2026-11-20").await;
    assert_eq!(
        write_note(&staff, flag, "With gratitude.", None).await.status_code(),
        303
    );
    assert!(
        staff
            .get("/staff/flags/print/labels")
            .await
            .text()
            .contains(&format!("1 {MARKER} Street"))
    );
    let visitor = app.browser();
    for page in ["/staff/flags/print/labels", "/staff/flags/print/cards"] {
        let response = visitor.get(page).await;
        assert_eq!(response.status_code(), 303, "{page}");
        assert!(location(&response).starts_with("/login?next="), "{page}");
        assert!(!response.text().contains(MARKER));
    }
    staff.get("/staff").await;
    for browser in [app.browser(), staff] {
        for url in public_urls(hero, hero) {
            assert!(
                !browser.get(&url).await.text().contains(MARKER),
                "{url} leaks an address"
            );
        }
    }
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn marking_the_batch_printed_marks_only_its_cards_each_audited(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, staff_id) = app.signed_in(Role::Staff).await;
    let runner = runner(&app).await;
    let first = log_mile(
        &app,
        &staff,
        hero(&app, "Julian Becerra", "police", "US").await,
        runner,
        "2026-11-20",
    )
    .await;
    let second = log_mile(
        &app,
        &staff,
        hero(&app, "Ann Tran", "fire", "US").await,
        runner,
        "2026-11-21",
    )
    .await;
    bring_to(&staff, first, Step::NoteWritten).await;
    bring_to(&staff, second, Step::Ready).await;
    let page = staff.get("/staff/flags/print/cards").await.text();
    let form = offered(&page);
    // A card written after the page was printed is not marked with the others.
    let later = log_mile(
        &app,
        &staff,
        hero(&app, "Lee Park", "ems", "US").await,
        runner,
        "2026-11-22",
    )
    .await;
    bring_to(&staff, later, Step::NoteWritten).await;
    let response = staff.post("/staff/flags/print/printed").form(&form).await;
    assert_eq!(response.status_code(), 303);
    assert_eq!(location(&response), "/staff/flags");
    assert!(page_text(&follow(&staff, &response).await.text()).contains("2 cards marked printed."));
    assert_eq!(
        app.count("select count(*) from flags where card_printed_at is not null")
            .await,
        2
    );
    let audited: Vec<(String, Option<Uuid>)> = sqlx::query_as(
        "select entity_id, actor_id from audit_log where action = 'flag.card_printed' order by entity_id",
    )
    .fetch_all(&app.pool)
    .await
    .expect("trail");
    let mut expected = vec![first.to_string(), second.to_string()];
    expected.sort();
    assert_eq!(audited.iter().map(|(id, _)| id.clone()).collect::<Vec<_>>(), expected);
    assert!(audited.iter().all(|(_, actor)| *actor == Some(staff_id)));
    // The next print holds only the card not yet printed.
    let next = staff.get("/staff/flags/print/cards").await.text();
    assert_eq!(offered_ids(&next), vec![later.to_string()]);
    // The flag page says the card was printed.
    let flag_page = staff.get(&format!("/staff/flags/{first}")).await.text();
    assert!(text_of(&flag_page, "card-printed").is_some_and(|t| t.starts_with("Card printed on")));
    // The same print posted again marks nothing and says so.
    let before = written(&app, first).await;
    let again = staff.post("/staff/flags/print/printed").form(&form).await;
    assert_eq!(location(&again), "/staff/flags/print/cards");
    assert!(page_text(&follow(&staff, &again).await.text()).contains("already marked printed"));
    assert_eq!(written(&app, first).await, before);
}

async fn correct(staff: &TestServer, flag: Uuid, text: &str) -> axum_test::TestResponse {
    staff
        .post(&format!("/staff/flags/{flag}/note/correct"))
        .form(&[("note_text", text)])
        .await
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_note_is_corrected_until_its_card_is_printed_and_keeps_its_first_text(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let flag = log_mile(
        &app,
        &staff,
        hero(&app, "Julian Becerra", "police", "US").await,
        runner(&app).await,
        "2026-11-20",
    )
    .await;
    // Nothing to correct before the note is written.
    let before = written(&app, flag).await;
    assert_eq!(correct(&staff, flag, "Too soon.").await.status_code(), 409);
    let form = staff.get(&format!("/staff/flags/{flag}/note/correct")).await.text();
    assert!(text_of(&form, "refused").is_some_and(|t| t.contains("has not been written yet")));
    assert_eq!(written(&app, flag).await, before);

    assert_eq!(
        write_note(&staff, flag, "To the Becerra famly, with thanks.", None)
            .await
            .status_code(),
        303
    );
    let form = staff.get(&format!("/staff/flags/{flag}/note/correct")).await;
    assert_eq!(form.status_code(), 200);
    assert!(form.text().contains("To the Becerra famly, with thanks.</textarea>"));
    let response = correct(&staff, flag, "To the Becerra family, with thanks.").await;
    assert_eq!(response.status_code(), 303);
    let page = follow(&staff, &response).await.text();
    assert_eq!(
        text_of(&page, "note-text").as_deref(),
        Some("To the Becerra family, with thanks.")
    );
    let corrected = text_of(&page, "note-corrected").expect("corrected on ...");
    assert!(
        corrected.starts_with("Corrected on ") && corrected.ends_with("by Sam Staff."),
        "{corrected}"
    );
    let earlier = text_of(&page, "earlier-texts").expect("the first text is kept");
    assert!(earlier.contains("To the Becerra famly, with thanks."), "{earlier}");
    let kept: Vec<String> =
        sqlx::query_scalar("select note_text from flag_note_versions where flag_id = $1 order by id")
            .bind(flag)
            .fetch_all(&app.pool)
            .await
            .expect("versions");
    assert_eq!(kept, vec!["To the Becerra famly, with thanks."]);
    assert_eq!(
        app.count("select count(*) from audit_log where action = 'flag.note_corrected'")
            .await,
        1
    );
    // A second correction keeps the second text too, the first still first.
    assert_eq!(
        correct(&staff, flag, "To the Becerra family, with our thanks.")
            .await
            .status_code(),
        303
    );
    let kept: Vec<String> =
        sqlx::query_scalar("select note_text from flag_note_versions where flag_id = $1 order by id")
            .bind(flag)
            .fetch_all(&app.pool)
            .await
            .expect("versions");
    assert_eq!(
        kept,
        vec![
            "To the Becerra famly, with thanks.",
            "To the Becerra family, with thanks."
        ]
    );

    // Printed: the correction is refused with the reason, nothing written.
    let print = staff.get("/staff/flags/print/cards").await.text();
    assert_eq!(
        staff
            .post("/staff/flags/print/printed")
            .form(&offered(&print))
            .await
            .status_code(),
        303
    );
    let before = written(&app, flag).await;
    let refused = correct(&staff, flag, "Too late.").await;
    assert_eq!(refused.status_code(), 409);
    let reason = text_of(&refused.text(), "refused").expect("the reason");
    assert!(
        reason.starts_with("The card was printed on ") && reason.contains("can no longer be corrected"),
        "{reason}"
    );
    assert_eq!(written(&app, flag).await, before);
    let form = staff.get(&format!("/staff/flags/{flag}/note/correct")).await;
    assert!(text_of(&form.text(), "refused").is_some_and(|t| t.starts_with("The card was printed on ")));
    assert!(!form.text().contains("<textarea"));
    let flag_page = staff.get(&format!("/staff/flags/{flag}")).await.text();
    assert!(!flag_page.contains("Correct the note"));
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_sent_flags_note_cannot_be_corrected(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let flag = log_mile(
        &app,
        &staff,
        hero(&app, "Julian Becerra", "police", "US").await,
        runner(&app).await,
        "2026-11-20",
    )
    .await;
    bring_to(&staff, flag, Step::Ready).await;
    assert_eq!(post(&staff, flag, "ship", SHIP).await.status_code(), 303);
    let before = written(&app, flag).await;
    let refused = correct(&staff, flag, "Too late.").await;
    assert_eq!(refused.status_code(), 409);
    assert!(text_of(&refused.text(), "refused").is_some_and(|t| t.contains("has been sent (shipped)")));
    assert_eq!(written(&app, flag).await, before);
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_bad_correction_comes_back_and_changes_nothing(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let flag = log_mile(
        &app,
        &staff,
        hero(&app, "Julian Becerra", "police", "US").await,
        runner(&app).await,
        "2026-11-20",
    )
    .await;
    bring_to(&staff, flag, Step::NoteWritten).await;
    let before = written(&app, flag).await;
    for (typed, message) in [
        ("   ", "The note is required."),
        (&"x".repeat(4001)[..], "The note must be at most 4000 characters."),
        ("Thank you for his service.", "This is the note as it stands"),
        ("bad\u{7}bell", "invisible control characters"),
    ] {
        let response = correct(&staff, flag, typed).await;
        assert_eq!(response.status_code(), 422, "{message}");
        let error = text_of(&response.text(), "note_text-error").expect("the message beside the field");
        assert!(error.contains(message), "{error}");
        assert_eq!(written(&app, flag).await, before);
    }
    // A visitor is sent to sign in; nothing changes.
    let visitor = app.browser();
    let response = correct(&visitor, flag, "Hijacked.").await;
    assert_eq!(response.status_code(), 303);
    assert!(location(&response).starts_with("/login?next="));
    assert_eq!(written(&app, flag).await, before);
    // Hostile HTML is kept as typed and shown escaped.
    let hostile = "<script>alert('x')</script> & <b>bold</b>";
    assert_eq!(correct(&staff, flag, hostile).await.status_code(), 303);
    let page = staff.get(&format!("/staff/flags/{flag}")).await.text();
    assert!(!page.contains("<script>alert"));
    assert!(page.contains("&#60;script&#62;alert("), "{page}");
    assert_eq!(text_of(&page, "note-text").as_deref(), Some(hostile));
    let card = staff.get("/staff/flags/print/cards").await.text();
    assert!(!card.contains("<script>alert") && card.contains("&#60;script&#62;"));
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_note_corrected_after_the_print_was_made_is_not_marked_printed(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let runner = runner(&app).await;
    let kept = log_mile(
        &app,
        &staff,
        hero(&app, "Julian Becerra", "police", "US").await,
        runner,
        "2026-11-20",
    )
    .await;
    let changed = log_mile(
        &app,
        &staff,
        hero(&app, "Ann Tran", "fire", "US").await,
        runner,
        "2026-11-21",
    )
    .await;
    bring_to(&staff, kept, Step::NoteWritten).await;
    bring_to(&staff, changed, Step::NoteWritten).await;
    let print = staff.get("/staff/flags/print/cards").await.text();
    // Someone corrects a note after the print came out: the paper shows the old text.
    app.clock.advance(chrono::Duration::minutes(2));
    assert_eq!(
        correct(&staff, changed, "Thank you for her service.")
            .await
            .status_code(),
        303
    );
    staff.get("/staff").await;
    let response = staff.post("/staff/flags/print/printed").form(&offered(&print)).await;
    let text = page_text(&follow(&staff, &response).await.text());
    assert!(
        text.contains("1 card marked printed. 1 had changed since the print"),
        "{text}"
    );
    assert_eq!(
        app.count("select count(*) from flags where card_printed_at is not null")
            .await,
        1
    );
    let next = staff.get("/staff/flags/print/cards").await.text();
    assert_eq!(offered_ids(&next), vec![changed.to_string()]);
    assert!(page_text(&next).contains("Thank you for her service."));
    // A form without its moment is refused, nothing marked.
    let bare = [("flag".to_string(), changed.to_string())];
    let refused = staff.post("/staff/flags/print/printed").form(&bare).await;
    assert_eq!(location(&refused), "/staff/flags/print/cards");
    assert!(page_text(&follow(&staff, &refused).await.text()).contains("could not be matched"));
    assert_eq!(
        app.count("select count(*) from flags where card_printed_at is not null")
            .await,
        1
    );
}
