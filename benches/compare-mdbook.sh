#!/usr/bin/env bash
# Build books with both guidebook and mdBook and compare the sites page by
# page (page set, headings, code blocks, visible code lines, words; see
# compare-mdbook.py). Each argument is a book (a folder holding book.toml or
# src/SUMMARY.md) or a folder searched for books, such as mdBook's test
# books. Nothing is written into the books: each is built from a copy.
#
#   benches/compare-mdbook.sh [-q] BOOK_OR_FOLDER...
#
# GUIDEBOOK and MDBOOK name the binaries (default: this repository's
# target/release or target/debug guidebook; mdbook on PATH). A book one tool cannot build is reported and
# counted, not compared. Exit 0 whatever the differences; 2 on bad use.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
compare="$here/compare-mdbook.py"

quiet=()
if [ "${1:-}" = "-q" ]; then quiet=(-q); shift; fi
[ $# -gt 0 ] || { sed -n '2,12p' "$0" >&2; exit 2; }

guidebook="${GUIDEBOOK:-}"
if [ -z "$guidebook" ]; then
    for b in "$repo/target/release/guidebook" "$repo/target/debug/guidebook"; do
        [ -x "$b" ] && { guidebook="$b"; break; }
    done
fi
[ -n "$guidebook" ] || { echo "no guidebook binary: run cargo build, or set GUIDEBOOK" >&2; exit 2; }
mdbook="${MDBOOK:-$(command -v mdbook || true)}"
[ -n "$mdbook" ] || { echo "no mdbook on PATH: install mdBook 0.5, or set MDBOOK" >&2; exit 2; }
echo "guidebook: $guidebook"
echo "mdbook: $mdbook ($("$mdbook" --version))"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
results="$work/results.jsonl"
: > "$results"
failed_g=0 failed_m=0 created=0

books=()
for arg in "$@"; do
    if [ -f "$arg/book.toml" ] || [ -f "$arg/src/SUMMARY.md" ]; then
        books+=("$arg")
    else
        while IFS= read -r b; do books+=("$b"); done < <(
            find "$arg" \( -name book.toml -o -path '*/src/SUMMARY.md' \) -print |
                sed -e 's|/book.toml$||' -e 's|/src/SUMMARY.md$||' | sort -u)
    fi
done

n=0
for book in "${books[@]}"; do
    n=$((n + 1))
    name="${book#"${1%/}/"}"
    dir="$work/$n"
    mkdir -p "$dir"
    cp -r "$book" "$dir/book"
    chmod -R u+w "$dir/book"
    [ -f "$dir/book/book.toml" ] && python3 "$compare" strip-toml "$dir/book/book.toml"
    g_ok=1 m_ok=1 note=""
    (cd "$dir/book" && "$mdbook" build . -d "$dir/m") > "$dir/m.log" 2>&1 || m_ok=0
    "$guidebook" build "$book" -d "$dir/g" > "$dir/g.log" 2>&1 || g_ok=0
    if [ $g_ok = 0 ] && [ $m_ok = 1 ] && [ "$(find "$dir/book" -name '*.md' | wc -l)" -gt "$(find "$book" -name '*.md' | wc -l)" ]; then
        # mdBook's create-missing (on by default) wrote the chapters that
        # SUMMARY.md names and the book lacks; guidebook does not. Compare
        # the rest on mdBook's copy, with the book's own book.toml.
        [ -f "$book/book.toml" ] && cp "$book/book.toml" "$dir/book/book.toml"
        rm -rf "$dir/g"
        "$guidebook" build "$dir/book" -d "$dir/g" > "$dir/g.log" 2>&1 && g_ok=1 &&
            note=" [chapters written by mdBook's create-missing]"
        created=$((created + 1))
    fi
    if [ $g_ok = 0 ] || [ $m_ok = 0 ]; then
        [ $g_ok = 0 ] && failed_g=$((failed_g + 1))
        [ $m_ok = 0 ] && failed_m=$((failed_m + 1))
        reason=""
        [ $g_ok = 0 ] && reason="guidebook failed: $(grep -m1 -v '^warning' "$dir/g.log" | sed "s|$dir/book/||; s|$book/||" | cut -c1-150)"
        [ $g_ok = 0 ] && [ $m_ok = 0 ] && reason="$reason; "
        [ $m_ok = 0 ] && reason="${reason}mdBook failed: $(grep -m1 -A3 -E '^ *(ERROR|Caused by)' "$dir/m.log" | tail -1 | sed 's/^ *//' | cut -c1-150)"
        echo "$name: not compared: $reason"
        continue
    fi
    site="$dir/m"
    # With more than one [output.*], mdBook writes its HTML into html/.
    [ -d "$dir/m/html" ] && site="$dir/m/html"
    python3 "$compare" "${quiet[@]}" --json "$results" "$dir/g" "$site" "$name$note"
done

python3 "$compare" summary "$results"
echo "books: ${#books[@]}; not built by guidebook: $failed_g; not built by mdBook: $failed_m; missing chapters written by mdBook first: $created"
