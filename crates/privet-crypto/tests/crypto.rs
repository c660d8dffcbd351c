//! Integration tests of privet-crypto's public API.

mod crypto {
    mod apikey;
    mod backup;
    mod keyfile;
    mod keyring;
    mod redaction;
    mod seal;
    mod vectors;
}
