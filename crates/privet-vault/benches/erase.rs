//! Erasure time against subject size: erasing a subject destroys its key and deletes one row, so
//! it should take the same time for 10 fields as for 10,000 (the rows go later, in the purge).
//!
//! `cargo bench -p privet-vault --bench erase` (SQLite in a temp dir; PostgreSQL too when
//! `PRIVET_BENCH_POSTGRES_URL` names a database it may fill).

use std::sync::Arc;
use std::time::Instant;

use privet_crypto::FileKeyProvider;
use privet_store::{Location, Store};
use privet_types::{Policy, SubjectId, SystemClock};
use privet_vault::{Actor, FieldInput, TokenSettings, Vault};

const SIZES: [usize; 4] = [10, 100, 1_000, 10_000];
const SUBJECTS_PER_SIZE: usize = 7;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let dir = tempfile::tempdir()?;
        let mut locations = vec![("sqlite", Location::DataDir(dir.path().join("data")))];
        if let Ok(url) = std::env::var("PRIVET_BENCH_POSTGRES_URL") {
            locations.push(("postgres", Location::Postgres(url)));
        }
        println!(
            "{:<9} {:>8} {:>12} {:>12} {:>12}",
            "backend", "fields", "median ms", "min ms", "max ms"
        );
        for (name, location) in locations {
            let keys = FileKeyProvider::new(dir.path().join(format!("{name}.key")));
            keys.create_if_missing()?;
            let store = Arc::new(Store::open(&location).await?);
            let vault = Arc::new(
                Vault::open(
                    store,
                    Arc::new(keys),
                    Policy::default_policy(),
                    Arc::new(SystemClock),
                    TokenSettings::default(),
                )
                .await?,
            );
            let actor = Actor::operator();
            for size in SIZES {
                let fields: Vec<FieldInput> = (0..size)
                    .map(|i| FieldInput {
                        name: format!("f{:03}_{:03}", i / 1000, i % 1000),
                        category: "contact.email".into(),
                        value: format!("person{i}@example.com"),
                        collected_at: None,
                        source: None,
                    })
                    .collect();
                let mut times = Vec::new();
                for s in 0..SUBJECTS_PER_SIZE {
                    let id = SubjectId::parse(&format!("erase-{size}-{s}-{}", std::process::id()))?;
                    for chunk in fields.chunks(1000) {
                        vault.put_subject(&actor, &id, chunk).await?;
                    }
                    let start = Instant::now();
                    vault.erase_subject(&actor, &id).await?;
                    times.push(start.elapsed().as_secs_f64() * 1000.0);
                }
                vault.purge_all().await?;
                times.sort_by(f64::total_cmp);
                println!(
                    "{:<9} {:>8} {:>12.2} {:>12.2} {:>12.2}",
                    name,
                    size,
                    times[times.len() / 2],
                    times[0],
                    times[times.len() - 1]
                );
            }
            purge_rate(name, &vault, &actor).await?;
        }
        Ok(())
    })
}

/// Subjects erased and then purged per second: the background purge must keep up with the rate
/// at which the server erases, or erased rows pile up on disk.
async fn purge_rate(
    name: &str,
    vault: &Arc<Vault>,
    actor: &Actor,
) -> Result<(), Box<dyn std::error::Error>> {
    const SUBJECTS: usize = 5_000;
    let ids: Vec<SubjectId> = (0..SUBJECTS)
        .map(|i| SubjectId::parse(&format!("purge-{i}-{}", std::process::id())))
        .collect::<Result<_, _>>()?;
    for chunk in ids.chunks(500) {
        futures_util::future::try_join_all(chunk.iter().map(|id| {
            let fields: Vec<FieldInput> = ["email", "name", "city", "note"]
                .iter()
                .map(|f| FieldInput {
                    name: (*f).to_owned(),
                    category: "contact.email".into(),
                    value: format!("{id}@example.com"),
                    collected_at: None,
                    source: None,
                })
                .collect();
            async move { vault.put_subject(actor, id, &fields).await }
        }))
        .await?;
    }
    let start = Instant::now();
    for chunk in ids.chunks(500) {
        futures_util::future::try_join_all(chunk.iter().map(|id| vault.erase_subject(actor, id)))
            .await?;
    }
    let erase_s = start.elapsed().as_secs_f64();
    let start = Instant::now();
    vault.purge_all().await?;
    let purge_s = start.elapsed().as_secs_f64();
    println!(
        "{name}: erased {SUBJECTS} subjects (4 fields each) at {:.0}/s; purged them at {:.0} subjects/s",
        SUBJECTS as f64 / erase_s,
        SUBJECTS as f64 / purge_s
    );
    Ok(())
}
