use privet_deid::kanon::{
    EquivalenceClass, equivalence_classes, k, l_diversity, risk, rows_below, suppress_to_k,
};

/// Ten patients: quasi-identifiers (age band, ZIP prefix, sex) then a sensitive diagnosis.
const TABLE: [[&str; 4]; 10] = [
    ["30-39", "941**", "F", "flu"],      // 0  class A
    ["30-39", "941**", "F", "asthma"],   // 1  class A
    ["30-39", "941**", "F", "flu"],      // 2  class A
    ["40-49", "941**", "M", "diabetes"], // 3  class B
    ["40-49", "941**", "M", "diabetes"], // 4  class B
    ["40-49", "100**", "M", "flu"],      // 5  class C
    ["20-29", "100**", "F", "cancer"],   // 6  class D
    ["20-29", "100**", "F", "flu"],      // 7  class D
    ["50-59", "606**", "M", "asthma"],   // 8  class E
    ["30-39", "941**", "F", "cancer"],   // 9  class A
];

fn full() -> Vec<Vec<String>> {
    TABLE
        .iter()
        .map(|r| r.iter().map(|v| (*v).to_owned()).collect())
        .collect()
}

fn quasi() -> Vec<Vec<String>> {
    full()
        .into_iter()
        .map(|mut r| {
            r.truncate(3);
            r
        })
        .collect()
}

// Hand count of the classes on (age, zip, sex):
//   A = rows 0,1,2,9 (4)   B = rows 3,4 (2)   C = row 5 (1)   D = rows 6,7 (2)   E = row 8 (1)
#[test]
fn classes_k_and_rows_below() {
    let classes = equivalence_classes(&quasi());
    let rows: Vec<Vec<usize>> = classes.iter().map(|c| c.rows.clone()).collect();
    assert_eq!(
        rows,
        vec![vec![0, 1, 2, 9], vec![3, 4], vec![5], vec![6, 7], vec![8]]
    );
    assert_eq!(
        classes[0],
        EquivalenceClass {
            values: vec!["30-39".into(), "941**".into(), "F".into()],
            rows: vec![0, 1, 2, 9],
        }
    );
    // Smallest class is C or E, one row each.
    assert_eq!(k(&quasi()), 1);
    // Below 2: C and E, 1 + 1 rows. Below 3: B, C, D, E, 2 + 1 + 2 + 1 rows. Below 5: all ten.
    assert_eq!(rows_below(&quasi(), 2), 2);
    assert_eq!(rows_below(&quasi(), 3), 6);
    assert_eq!(rows_below(&quasi(), 5), 10);
    assert_eq!(rows_below(&quasi(), 1), 0);
}

// Distinct diagnoses per class: A {flu, asthma, cancer} = 3, B {diabetes} = 1, C {flu} = 1,
// D {cancer, flu} = 2, E {asthma} = 1; the least diverse class gives l = 1.
// Without B, C and E (rows 3, 4, 5, 8) the least diverse class is D: l = 2.
#[test]
fn l_diversity_of_the_diagnosis() {
    assert_eq!(l_diversity(&full(), 3).unwrap(), 1);
    let rest: Vec<Vec<String>> = full()
        .into_iter()
        .enumerate()
        .filter(|(i, _)| ![3, 4, 5, 8].contains(i))
        .map(|(_, r)| r)
        .collect();
    assert_eq!(l_diversity(&rest, 3).unwrap(), 2);
}

// 10 rows in 5 classes, k = 1: max risk 1/1 = 1.0; average risk = mean over rows of 1/size
// = (4 * 1/4 + 2 * 1/2 + 1 + 2 * 1/2 + 1) / 10 = 5 / 10 = 0.5; unique rows C and E: 2/10.
#[test]
fn risk_summary() {
    let r = risk(&quasi());
    assert_eq!((r.rows, r.classes, r.k), (10, 5, 1));
    assert_eq!(r.max_risk, 1.0);
    assert_eq!(r.average_risk, 0.5);
    assert_eq!(r.unique_share, 0.2);
}

// k = 2: C and E (rows 5, 8) become "*,*,*", a class of 2, so k = 2 with 2 rows changed and
// risk max 1/2, average 4 classes / 10 rows = 0.4, no unique rows.
// k = 3: B, C, D, E (6 rows) become one class of 6 next to A (4): k = 4, 6 changed.
// k = 5: every class is below 5, all 10 rows suppressed into one class.
#[test]
fn suppression_to_k() {
    let (out, changed) = suppress_to_k(&quasi(), 2);
    assert_eq!(changed, 2);
    assert_eq!(out[5], vec!["*", "*", "*"]);
    assert_eq!(out[8], vec!["*", "*", "*"]);
    assert_eq!(out[0], quasi()[0]);
    let r = risk(&out);
    assert_eq!((r.k, r.classes), (2, 4));
    assert_eq!(
        (r.max_risk, r.average_risk, r.unique_share),
        (0.5, 0.4, 0.0)
    );

    let (out, changed) = suppress_to_k(&quasi(), 3);
    assert_eq!((changed, k(&out)), (6, 4));

    let (out, changed) = suppress_to_k(&quasi(), 5);
    assert_eq!((changed, k(&out)), (10, 10));

    let (out, changed) = suppress_to_k(&quasi(), 1);
    assert_eq!((changed, out), (0, quasi()));
}
