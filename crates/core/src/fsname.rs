//! File system names as Python decodes them (PEP 383): UTF-8, with each byte
//! that is not part of valid UTF-8 kept as a lone surrogate U+DC80..U+DCFF
//! (`surrogateescape`), so that the name round-trips to the same bytes.

/// The UTF-16 text Python's `os.fsdecode` gives for `bytes`.
pub fn decode_utf16(bytes: &[u8]) -> Vec<u16> {
    let mut out = Vec::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.extend(chunk.valid().encode_utf16());
        // Invalid bytes are all >= 0x80, so each maps into U+DC80..U+DCFF.
        out.extend(chunk.invalid().iter().map(|&b| 0xdc00 | u16::from(b)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_utf8_is_plain_text() {
        assert_eq!(
            decode_utf16("/tmp/é".as_bytes()),
            "/tmp/é".encode_utf16().collect::<Vec<_>>()
        );
    }

    #[test]
    fn invalid_bytes_become_lone_surrogates() {
        assert_eq!(
            decode_utf16(b"a\xff\xfeb\xc3"),
            vec![0x61, 0xdcff, 0xdcfe, 0x62, 0xdcc3]
        );
    }
}
