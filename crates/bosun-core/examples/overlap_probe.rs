use bosun_core::lockkey::{LockKey, Overlap, PAIR_BUDGET};
fn main() {
    let shapes: Vec<(String, String)> = vec![
        (format!("**/*{}001b*", "a".repeat(470)), format!("**/*{}001c*", "a".repeat(470))),
        (format!("*{}b/*", "a".repeat(480)), format!("*{}c/*", "a".repeat(480))),
        (format!("{}{}b/*", "*a".repeat(14), "a".repeat(440)), format!("{}{}c/*", "*a".repeat(14), "a".repeat(440))),
        (
            format!("*{}*{}b/*", "a".repeat(240), "a".repeat(240)),
            format!("*{}*{}c/*", "a".repeat(240), "a".repeat(240)),
        ),
        (format!("{}{}b*", "*a".repeat(8), "a".repeat(400)), format!("{}{}c*", "*a".repeat(8), "a".repeat(400))),
        (format!("{}b*", "*a".repeat(15)), format!("{}c*", "*a".repeat(15))),
        (format!("*{}b*", "a".repeat(480)), format!("*{}c*", "a".repeat(480))),
        (format!("*{}*b", "a".repeat(250)), format!("*{}*c*", "a".repeat(250))),
        (format!("{}*{}*", "*a".repeat(7), "a".repeat(480)), format!("*{}*{}", "a".repeat(480), "*a".repeat(7))),
        (format!("*{}*{}b*", "a".repeat(240), "a".repeat(240)), format!("*{}*{}c*", "a".repeat(240), "a".repeat(240))),
        (format!("*[ab]{}b*", "[ab]a".repeat(7)), format!("*[ab]{}c*", "a[ab]".repeat(7))),
    ];
    for (a, b) in shapes {
        let (ka, kb) = (LockKey::parse(&a).unwrap().compile(), LockKey::parse(&b).unwrap().compile());
        let mut budget = PAIR_BUDGET;
        let t = std::time::Instant::now();
        let r = ka.overlap(&kb, &mut budget);
        println!(
            "{:>5} {:>5} steps {:>8} {:?} in {:?}",
            a.len(),
            b.len(),
            PAIR_BUDGET - budget,
            matches!(r, Overlap::Disjoint),
            t.elapsed()
        );
    }
}
