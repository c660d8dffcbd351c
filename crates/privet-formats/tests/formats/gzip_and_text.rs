//! Plain text, gzip around every format, truncated and corrupt gzip, binary files.

use crate::common::{drain, gzip, read_file, write};
use privet_formats::{
    Compression, InputErrorKind, InputFormat, Position, detect_format, open_file,
};

fn lines(n: usize) -> Vec<u8> {
    (1..=n)
        .map(|i| format!("line {i} contact user{i}@example.com\n"))
        .collect::<String>()
        .into_bytes()
}

#[test]
fn text_line_numbers_hold_across_blocks() {
    // Several 1 MiB blocks.
    let data = lines(120_000);
    let c = read_file("app.log", &data);
    assert!(c.errors.is_empty());
    assert!(c.chunks.len() >= 3);
    assert_eq!(c.text(), data);
    let mut line = 1;
    for (i, chunk) in c.chunks.iter().enumerate() {
        assert_eq!(chunk.first_line, line);
        let first = std::str::from_utf8(&chunk.data).expect("ascii");
        assert!(first.starts_with(&format!("line {line} ")));
        if i + 1 < c.chunks.len() {
            assert_eq!(chunk.data.last(), Some(&b'\n'));
        }
        assert!(chunk.data.len() <= 2 << 20);
        line += chunk.data.iter().filter(|&&b| b == b'\n').count() as u64;
    }
    assert_eq!(line, 120_001);
}

#[test]
fn invalid_utf8_text_is_kept_and_reported_once() {
    let c = read_file("latin1.txt", b"caf\xe9\nna\xefve\n");
    assert_eq!(c.text(), b"caf\xe9\nna\xefve\n");
    assert_eq!(c.errors.len(), 1);
    assert_eq!(c.errors[0].position, Position::Line(1));
    assert!(matches!(c.errors[0].kind, InputErrorKind::InvalidUtf8));
    assert!(!c.errors[0].is_fatal());
}

#[test]
fn binary_files_are_refused_unless_forced() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(dir.path(), "image.dat", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    let err = open_file(&path, None).err().expect("binary");
    assert!(matches!(err.kind, InputErrorKind::Binary));
    assert!(err.is_fatal());
    let forced = drain(open_file(&path, Some(InputFormat::Text)).expect("forced"));
    assert_eq!(forced.text(), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
}

#[test]
fn missing_file_and_directory_are_open_errors() {
    let dir = tempfile::tempdir().expect("temp dir");
    let err = open_file(&dir.path().join("nope.csv"), None)
        .err()
        .expect("missing");
    assert!(matches!(err.kind, InputErrorKind::Open(_)));
    assert!(err.to_string().contains("nope.csv"));
    let err = open_file(dir.path(), None).err().expect("dir");
    assert!(matches!(err.kind, InputErrorKind::Open(_)));
}

#[test]
fn gzip_of_each_text_format_reads_like_the_plain_file() {
    let cases: [(&str, &[u8]); 5] = [
        ("a.log", b"hello a@b.c\nsecond line\n"),
        ("a.csv", b"email,n\na@b.c,1\n\"x\ny@z.w\",2\n"),
        ("a.tsv", b"email\tn\na@b.c\t1\n"),
        (
            "a.json",
            br#"[{"u": {"email": "a@b.c"}}, {"u": {"email": "d@e.f"}}]"#,
        ),
        (
            "a.ndjson",
            b"{\"email\":\"a@b.c\"}\n{bad\n{\"email\":\"d@e.f\"}\n",
        ),
    ];
    for (name, data) in cases {
        let plain = read_file(name, data);
        let gz = read_file(&format!("{name}.gz"), &gzip(data));
        assert_eq!(plain.triples(), gz.triples(), "{name}");
        assert_eq!(plain.text(), gz.text(), "{name}");
        assert_eq!(plain.errors.len(), gz.errors.len(), "{name}");
        // Detection works without the name too.
        let d = detect_format(std::path::Path::new("upload"), &gzip(data)).expect("not binary");
        assert_eq!(d.compression, Compression::Gzip, "{name}");
    }
}

#[test]
fn concatenated_gzip_members_read_as_one_stream() {
    let mut data = gzip(b"first\n");
    data.extend(gzip(b"second\n"));
    let c = read_file("multi.log.gz", &data);
    assert_eq!(c.text(), b"first\nsecond\n");
    assert!(c.errors.is_empty());
}

#[test]
fn truncated_gzip_is_fatal_with_the_compressed_offset() {
    let data = lines(20_000);
    let gz = gzip(&data);
    let cut = &gz[..gz.len() / 2];
    for name in ["t.log.gz", "t.csv.gz", "t.ndjson.gz", "t.json.gz"] {
        let c = read_file(name, cut);
        let last = c.errors.last().expect("an error");
        assert!(
            matches!(last.kind, InputErrorKind::TruncatedGzip),
            "{name}: {last}"
        );
        assert!(last.is_fatal());
        match last.position {
            Position::Byte(b) => assert!(b > 0 && b <= cut.len() as u64, "{name}: {b}"),
            p => panic!("{name}: byte position expected, got {p:?}"),
        }
    }
    // What came before the cut was still read.
    let c = read_file("t.log.gz", cut);
    assert!(!c.text().is_empty());
    assert!(data.starts_with(&c.text()));
}

#[test]
fn corrupt_gzip_is_fatal() {
    let mut gz = gzip(&lines(1000));
    let mid = gz.len() / 2;
    for b in &mut gz[mid..mid + 16] {
        *b ^= 0x5a;
    }
    let c = read_file("c.log.gz", &gz);
    let last = c.errors.last().expect("an error");
    assert!(last.is_fatal());
    assert!(
        matches!(
            last.kind,
            InputErrorKind::CorruptGzip | InputErrorKind::TruncatedGzip
        ),
        "{last}"
    );
}
