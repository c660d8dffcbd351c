//! Integration tests of the testkit: the one test binary of this crate (each
//! extra binary costs link time). The accuracy floors need the detector.

mod testkit {
    #[cfg(feature = "detector")]
    mod accuracy;
    mod corpus_cli;
}
