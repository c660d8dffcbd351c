//! No input makes a reader panic: random and near-valid bytes through every format.

use privet_formats::{InputFormat, fuzz_read};
use proptest::prelude::*;

/// Bytes drawn mostly from characters that matter to the parsers.
fn structural() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(
        prop_oneof![
            4 => proptest::sample::select(b"{}[],:\"\\\n\r\t ;|0123456789aeflnrstu.-+E".to_vec()),
            1 => any::<u8>(),
        ],
        0..300,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..400)) {
        for format in InputFormat::ALL {
            fuzz_read(format, &data);
        }
    }

    #[test]
    fn near_valid_text_never_panics(data in structural()) {
        for format in InputFormat::ALL {
            fuzz_read(format, &data);
            fuzz_read(format, &crate::common::gzip(&data));
        }
    }

    #[test]
    fn cut_gzip_never_panics(data in structural(), cut in 0usize..400) {
        let gz = crate::common::gzip(&data);
        let cut = cut.min(gz.len());
        for format in InputFormat::ALL {
            fuzz_read(format, &gz[..cut]);
        }
    }
}

#[test]
fn parquet_magic_with_junk_never_panics() {
    let mut data = b"PAR1".to_vec();
    data.extend((0u8..=255).cycle().take(2000));
    data.extend_from_slice(&[0x10, 0, 0, 0]);
    data.extend_from_slice(b"PAR1");
    fuzz_read(InputFormat::Parquet, &data);
}
