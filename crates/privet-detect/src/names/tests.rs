//! Table tests for person-name detection.

use super::NameFinder;

fn found(f: &NameFinder, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    f.find(text.as_bytes(), &mut out);
    out.iter()
        .map(|m| text[m.start..m.end].to_string())
        .collect()
}

#[test]
fn finder_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<NameFinder>();
}

#[test]
fn positives_in_text() {
    let f = NameFinder::new();
    let cases: &[(&str, &[&str])] = &[
        (
            "Customer John Smith called about his order.",
            &["John Smith"],
        ),
        ("I spoke with Maria Garcia yesterday.", &["Maria Garcia"]),
        ("Hi Maria, thanks for reaching out.", &["Maria"]),
        (
            "Dear Mr. Thompson, your refund is on its way.",
            &["Thompson"],
        ),
        ("Please ask Dr. Priya Patel to review.", &["Priya Patel"]),
        (
            "my name is Xochitl Quispe and I need help",
            &["Xochitl Quispe"],
        ),
        (
            "Escalated by agent Oluwaseun Adeyemi.",
            &["Oluwaseun Adeyemi"],
        ),
        (
            "Ticket assigned to José García-López today",
            &["José García-López"],
        ),
        ("Contact: Nguyễn Văn An", &["Nguyễn Văn An"]),
        ("Record: LOVELACE, Ada was updated", &["LOVELACE, Ada"]),
        ("The form lists Lovelace, Ada as owner", &["Lovelace, Ada"]),
        (
            "Meeting with Ludwig van Beethoven at noon",
            &["Ludwig van Beethoven"],
        ),
        ("cc: Sean O'Brien", &["Sean O'Brien"]),
        (
            "Forwarded to Ronald McDonald for approval",
            &["Ronald McDonald"],
        ),
        ("Thanks,\nAngela Merkel", &["Angela Merkel"]),
        ("Regards, Hans Müller", &["Hans Müller"]),
        ("user Wang Wei reported the crash", &["Wang Wei"]),
        ("John F. Kennedy signed it", &["John F. Kennedy"]),
        (
            "Martin Luther King Jr. gave a speech",
            &["Martin Luther King Jr"],
        ),
        ("Grant Thompson approved the change", &["Grant Thompson"]),
        ("Hola Lucía, gracias por escribir", &["Lucía"]),
        (
            "Kenji Tanaka and Min-jun Kim joined",
            &["Kenji Tanaka", "Min-jun Kim"],
        ),
        ("Patient: Fatima Al-Hassan", &["Fatima Al-Hassan"]),
        ("Chinedu Okafor paid the invoice", &["Chinedu Okafor"]),
        ("Giulia Rossi ha scritto", &["Giulia Rossi"]),
        ("Hallo Klaus Schmidt", &["Klaus Schmidt"]),
        ("Ms Sophie Dubois", &["Sophie Dubois"]),
        ("escalated via John Smith", &["John Smith"]),
        ("Customer: Girard, Gaspard | agent", &["Girard, Gaspard"]),
        ("-- Sönke Stöckl", &["Sönke Stöckl"]),
        ("I'm Deepika Reddy, customer since 2013", &["Deepika Reddy"]),
    ];
    for (text, want) in cases {
        let got = found(&f, text);
        assert_eq!(&got, want, "in {text:?}");
    }
}

#[test]
fn negatives_in_text() {
    let f = NameFinder::new();
    let cases = [
        "Monday we ship.",
        "Delivery expected in May 2024.",
        "Walk down Main Street to the office.",
        "Apple Inc reported earnings.",
        "Thanks for your patience!",
        "Please Reset the password.",
        "ERROR Connection refused by upstream",
        "Java and Python are installed.",
        "We opened an office in New York.",
        "Will you reset it? May I ask why?",
        "Mark Complete to close the task",
        "Bill Payment failed",
        "The Rose Garden is open",
        "Page Down to scroll",
        "Washington Street is closed",
        "Ship to 12 Martin Luther King Blvd",
        "Ford Motor Company",
        "INFO [main] Starting Server on port 8080",
        "NullPointerException at com.Example.Foo",
        "Dear Customer, your order shipped",
        "Hi Team, the build is green",
        "Customer Support Team",
        "Grant Access to the folder",
        "Happy New Year",
        "Thanks, Team",
        "New address: Calle del Sol 24, 28016 Madrid",
        "please use 85 allée du Général Leclerc, 13006 Marseille",
        "ship to 1 Oak Dr, Austin, TX 78701.",
    ];
    for text in cases {
        assert_eq!(found(&f, text), Vec::<String>::new(), "in {text:?}");
    }
}

#[test]
fn spans_stay_on_their_line() {
    let f = NameFinder::new();
    let mut out = Vec::new();
    let text = b"John\nSmith said hi\nMaria Garcia\n";
    f.find(text, &mut out);
    for m in &out {
        assert!(!text[m.start..m.end].contains(&b'\n'));
    }
    assert_eq!(found(&f, "John\nSmith said hi"), Vec::<String>::new());
}

#[test]
fn invalid_utf8_is_tolerated() {
    let f = NameFinder::new();
    let mut out = Vec::new();
    f.find(b"\xff\xfeHi \xc3 Maria Garcia \xe1\xbb", &mut out);
    assert_eq!(out.len(), 1);
}

#[test]
fn cell_positives() {
    let f = NameFinder::new();
    for v in [
        "Ada Lovelace",
        "LOVELACE, Ada",
        "José García-López",
        "Nguyễn Văn An",
        "  maria garcia ",
        "Dr. Priya Patel",
        "John F. Kennedy",
        "Ludwig van Beethoven",
        "Sean O'Brien",
        "Wang Wei",
        "Kim Min-jun",
        "Oluwaseun Adeyemi",
        "Xochitl Hernandez",
    ] {
        let s = f.score_value(v.as_bytes());
        assert!(s.is_some_and(|s| s >= 0.6), "{v:?} scored {s:?}");
    }
}

#[test]
fn cell_negatives() {
    let f = NameFinder::new();
    for v in [
        "",
        "Monday",
        "May 2024",
        "Main Street",
        "Apple Inc",
        "Thanks for",
        "Please Reset",
        "ERROR",
        "Java",
        "New York",
        "123 Main St",
        "john@example.com",
        "Customer Support",
        "Widget Pro Max",
        "Smith, Jones, Brown",
        "This is a long sentence that is not a name at all really",
        "true",
        "iPhone",
    ] {
        let s = f.score_value(v.as_bytes());
        assert!(s.is_none_or(|s| s < 0.5), "{v:?} scored {s:?}");
    }
}

mod props {
    use proptest::prelude::*;

    use super::NameFinder;

    /// One finder for all cases: building it per case would dominate the run.
    fn shared() -> &'static NameFinder {
        static F: std::sync::OnceLock<NameFinder> = std::sync::OnceLock::new();
        F.get_or_init(NameFinder::new)
    }

    proptest! {
        #[test]
        fn find_never_panics_and_spans_are_sound(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let f = shared();
            let mut out = Vec::new();
            f.find(&bytes, &mut out);
            let mut prev_end = 0;
            for m in &out {
                prop_assert!(m.start < m.end && m.end <= bytes.len());
                prop_assert!(m.start >= prev_end);
                prop_assert!(!bytes[m.start..m.end].contains(&b'\n'));
                prop_assert!((0.0..=1.0).contains(&m.confidence));
                prev_end = m.end;
            }
            let _ = f.score_value(&bytes);
        }

        #[test]
        fn find_on_name_like_text(s in "([A-Z][a-z]{0,6}|[a-z]{1,5}|Mr\\.|Hi|, |\n| |-|'|[0-9]{1,3}){0,30}") {
            let f = shared();
            let mut out = Vec::new();
            f.find(s.as_bytes(), &mut out);
            for m in &out {
                prop_assert!(m.end <= s.len() && !s.as_bytes()[m.start..m.end].contains(&b'\n'));
            }
            let _ = f.score_value(s.as_bytes());
        }
    }
}

/// Issue 12: names the cue states outright, in any case, and chat speakers.
#[test]
fn cued_names_in_any_case() {
    let f = NameFinder::new();
    let cases: &[(&str, &[&str])] = &[
        ("hey, my name is maria garcia", &["maria garcia"]),
        ("you can call me kenji", &["kenji"]),
        ("i'm kenji and my card was charged twice", &["kenji"]),
        ("Please call me Mehmet.", &["Mehmet"]),
        ("\"Thanks,\" said Maria to the agent", &["Maria"]),
        ("Maria: the app crashed again", &["Maria"]),
        ("[10:32] Maria Garcia: hello", &["Maria Garcia"]),
        ("Je m'appelle Ludovic.", &["Ludovic"]),
        ("[12:31] Adasal: hi there", &["Adasal"]),
        ("Perfect, thank you Miklós.", &["Miklós"]),
        ("Full name: Tony Green", &["Tony Green"]),
        ("Requester: Adam Mills <a@example.com>", &["Adam Mills"]),
        ("Kubernetes: pod restarted", &[]),
        ("He lives on Jackson Street", &[]),
        // A pronoun that a list also holds as a name ("My", "You") opens no
        // name without a cue; a weekday abbreviation that is a surname does.
        ("My Thai ID is on file", &[]),
        ("Nimi: Jorma Nykänen", &["Jorma Nykänen"]),
        ("Please charge it - thanks You can reach me at home", &[]),
        ("Refund sent - thanks My card was charged twice", &[]),
        ("Sun Qiang called about the invoice", &["Sun Qiang"]),
        ("my name is My Nguyen", &["My Nguyen"]),
        // Street names after a lower-case or abbreviated street type.
        ("We moved from 124 place Victor Hugo last month", &[]),
        ("Ship to 28 av. du Général Leclerc, 13006 Marseille", &[]),
        ("New address: 33 bd Jean Jaurès, 69003 Lyon", &[]),
        ("Vivo en Vial Araceli Benitez 40, Granada", &[]),
        ("Moro na Núcleo Esther Camargo, 97, Cardoso", &[]),
        // An inverted name whose given name is two words, closing its field.
        (
            "Customer: Duong, Thu Trang | Assigned to: Ji-woo Han",
            &["Duong, Thu Trang", "Ji-woo Han"],
        ),
        // Followed by more words it is a list of people, not one name.
        (
            "Customer: Smith, John Brown and Lee",
            &["Smith", "John Brown"],
        ),
        ("Dzień dobry, nazywam się Zbigniew.", &["Zbigniew"]),
        (
            "[09:52] Mary: Got it Antal, let me check.",
            &["Mary", "Antal"],
        ),
        ("got it working, thanks", &[]),
        ("Got it. Shipping today", &[]),
        // Same shapes that are not names.
        ("my name is grace", &["grace"]),
        ("can you call me back tomorrow", &[]),
        ("i am happy with the service", &[]),
        ("hi there, thanks again", &[]),
        ("thanks mehmet, that works", &["mehmet"]),
        ("the file named report.txt", &[]),
        ("Note: the app crashed", &[]),
        ("Summary: nothing to do", &[]),
        ("the username is bob", &[]),
    ];
    for (text, want) in cases {
        assert_eq!(&found(&f, text), want, "in {text:?}");
    }
}

mod lower_cue_prefilter {
    use proptest::prelude::*;

    use super::super::text::LOWER_CUES;

    proptest! {
        /// The one-pass test that lets the lower-case name finder skip a
        /// value says "no cue" only when no cue's own searcher finds one.
        #[test]
        fn the_prefilter_misses_no_cue(
            hay in "(hi|I|am|i'm|I'm|name|is|call|me|this|named|hello|hey|dear|thanks|thank|you|maria|[a-z]{1,4}|[ ,.])*",
        ) {
            let any = LOWER_CUES
                .iter()
                .any(|cue| memchr::memmem::find(hay.as_bytes(), cue).is_some());
            prop_assert_eq!(super::super::text::ANY_LOWER_CUE.is_match(hay.as_bytes()), any);
        }
    }
}
