//! `checkout-quote`: JSON Lines in (one quote request per line), JSON Lines out (one quote
//! or error per request). A bad line never stops the following ones.

use std::io::{self, BufRead, Write};

use checkout_core::request::{answer_line, error_line};

fn main() -> io::Result<()> {
    let stdin = io::stdin().lock();
    let mut out = io::BufWriter::new(io::stdout().lock());
    for raw in stdin.split(b'\n') {
        let raw = raw?;
        let answer = match std::str::from_utf8(&raw) {
            Ok(line) if line.trim().is_empty() => continue,
            Ok(line) => answer_line(line),
            Err(e) => error_line(&format!("the line is not valid UTF-8 ({e})")),
        };
        out.write_all(answer.as_bytes())?;
        out.write_all(b"\n")?;
        // Flush per line so that a caller can hold a conversation over a pipe.
        out.flush()?;
    }
    Ok(())
}
