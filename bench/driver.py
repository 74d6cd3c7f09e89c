#!/usr/bin/env python3
"""bench/run's helper: prepares requests for wrk and writes bench/RESULTS.md.

    driver.py townhall-lines BASE OUT N SLUG...   form tokens + comments -> wrk lines; prints the Cookie
    driver.py isso-seed BASE URI N                 N comments on one Isso thread
    driver.py isso-lines OUT N URI...              comments for Isso's POST /new -> wrk lines
    driver.py townhall-seed-check BASE SLUG        how many comments the post page shows
    driver.py login BASE EMAIL PASSWORD            signs in; prints the Cookie header
    driver.py results WORKDIR OUT                  tables from the JSON results
"""

import html
import http.cookiejar
import json
import os
import re
import sys
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def texts():
    out = []
    with open(os.path.join(ROOT, "..", "shared", "corpus", "dev.jsonl"), encoding="utf-8") as f:
        for line in f:
            if line.strip():
                item = json.loads(line)
                if item.get("expected") == "publish" and item.get("body"):
                    out.append(" ".join(item["body"].split()))
    return out


def opener():
    jar = http.cookiejar.CookieJar()
    return jar, urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))


def cookie_header(jar):
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def hidden(page, name):
    m = re.search(r'name="%s" value="([^"]*)"' % re.escape(name), page)
    if not m:
        sys.exit(f"driver: no {name} field on the page")
    return html.unescape(m.group(1))


def address(n):
    return f"10.{(n // 62500) % 250}.{(n // 250) % 250}.{n % 250 + 1}"


def townhall_lines(base, out, n, slugs):
    """One fresh form token per request (as each reader's browser would have)."""
    jar, web = opener()
    bodies = texts()
    with open(out, "w", encoding="utf-8") as f:
        for i in range(n):
            slug = slugs[i % len(slugs)]
            page = web.open(f"{base}/posts/{slug}").read().decode()
            form = {
                "name": f"Reader {i}", "email": f"reader{i}@example.org", "website": "",
                "body": bodies[(i * 7) % len(bodies)], "reply_to": "", "agree": "yes",
                "homepage": "", "form_token": hidden(page, "form_token"),
                "csrf_token": hidden(page, "csrf_token"),
            }
            f.write(f"POST\t/posts/{slug}/comments\t{address(i)}\t"
                    f"{urllib.parse.urlencode(form)}\n")
    print(cookie_header(jar))


def isso_post(base, uri, i, bodies):
    return json.dumps({"text": bodies[(i * 7) % len(bodies)], "author": f"Reader {i}",
                       "email": f"reader{i}@example.org", "website": None,
                       "title": f"Post {uri}"})


def isso_seed(base, uri, n):
    bodies = texts()
    for i in range(n):
        req = urllib.request.Request(f"{base}/new?uri={urllib.parse.quote(uri)}",
                                     data=isso_post(base, uri, i, bodies).encode(),
                                     headers={"Content-Type": "application/json",
                                              "X-Forwarded-For": address(i)})
        with urllib.request.urlopen(req) as r:
            if r.status not in (200, 201, 202):
                sys.exit(f"driver: Isso answered {r.status}")


def isso_lines(out, n, uris):
    bodies = texts()
    with open(out, "w", encoding="utf-8") as f:
        for i in range(n):
            uri = uris[i % len(uris)]
            f.write(f"POST\t/new?uri={urllib.parse.quote(uri)}\t{address(i)}\t"
                    f"{isso_post(None, uri, i, bodies)}\n")


def count_comments(base, slug):
    page = urllib.request.urlopen(f"{base}/posts/{slug}").read().decode()
    print(len(re.findall(r'id="comment-\d+"', page)))


def login(base, email, password):
    jar, web = opener()
    page = web.open(f"{base}/login").read().decode()
    form = urllib.parse.urlencode({"email": email, "password": password, "next": "",
                                   "csrf_token": hidden(page, "csrf_token")}).encode()
    web.open(f"{base}/login", data=form).read()
    if not any(c.name == "townhall_session" for c in jar):
        sys.exit("driver: signing in failed")
    print(cookie_header(jar))


def load(workdir, name):
    path = os.path.join(workdir, name + ".json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        lines = [l for l in f.read().splitlines() if l.startswith("{")]
    return json.loads(lines[-1]) if lines else None


def ms(us):
    return f"{us / 1000:.1f}"


def row(label, r):
    if r is None:
        return f"| {label} | – | – | – | – |"
    errs = r["socket_errors"] + r["status_errors"]
    return (f"| {label} | {r['rps']:,.0f} | {ms(r['p50_us'])} | {ms(r['p99_us'])} | "
            f"{errs:,} of {r['requests']:,} |")


def ratio(a, b, key, invert=False):
    if not a or not b or not b[key] or not a[key]:
        return "–"
    value = (b[key] / a[key]) if invert else (a[key] / b[key])
    # Two decimals would print a 1/400 latency ratio as 0.00.
    return f"{value:.2f}" if value >= 0.1 else f"{value:.4f}"


def percent(a, b):
    if not a or not b or not b["rps"]:
        return "–"
    return f"{100 * a['rps'] / b['rps']:.1f} %"


# RESULTS.md's history (how earlier figures were reached) starts at this line; `results`
# rewrites everything above it and keeps it and everything below it.
HISTORY_MARK = "<!-- bench/run rewrites everything above this line and keeps everything below it. -->"


def kept_history(out):
    """The history part of an existing RESULTS.md (from HISTORY_MARK on), or ''."""
    try:
        with open(out, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        return ""
    at = text.find(HISTORY_MARK)
    return text[at:] if at >= 0 else ""


def results(workdir, out):
    meta = {}
    if os.path.exists(os.path.join(workdir, "meta.json")):
        meta = json.load(open(os.path.join(workdir, "meta.json")))
    r = {name: load(workdir, name) for name in (
        "hello", "th_read", "isso_read", "th_submit", "isso_submit",
        "sqlite_home", "sqlite_post", "sqlite_hot", "sqlite_hot_gzip", "sqlite_queue", "sqlite_queue_gzip",
        "sqlite_search", "pg_home", "pg_post", "pg_hot", "pg_hot_gzip", "pg_queue", "pg_queue_gzip",
        "pg_search")}
    head = "| Run | requests/s | p50 ms | p99 ms | errors |\n|---|---:|---:|---:|---:|"
    L = ["# Benchmark results", "",
         f"Written by `bench/run` on {meta.get('date', '?')} on this machine "
         f"({meta.get('cpus', '?')} cores, {meta.get('cpu', '?')}). Load: `wrk` "
         f"{meta.get('wrk', '')}, {meta.get('connections', '?')} connections, "
         f"{meta.get('duration', '?')} per run, 2 threads, over loopback; every server gets "
         "the same machine. Latencies are wrk's (client side). Load average when the run "
         f"started: {meta.get('load', '?')} (a quiet 2-core machine reads below 1; more "
         "means other work shared the cores and every figure below is pessimistic).", "",
         "## Townhall beside Isso", "",
         f"Isso {meta.get('isso', '?')} under gunicorn ({meta.get('isso_workers', '?')} "
         "sync workers, as its documentation suggests), SQLite, moderation and rate limits "
         "off. Townhall: the release build, SQLite, default settings plus `trust_proxy` "
         "(each request says which reader it comes from), 2 workers.", "",
         head,
         row("(a) read a 200-comment thread: Isso `GET /?uri=` (JSON)", r["isso_read"]),
         row("(a) read a 200-comment thread: Townhall post page (HTML)", r["th_read"]),
         row("(b) submit a comment: Isso `POST /new` (JSON, no checks)", r["isso_submit"]),
         row("(b) submit a comment: Townhall form POST (full rules engine)", r["th_submit"]),
         "",
         "| Ratio Townhall / Isso | throughput | p99 latency |", "|---|---:|---:|",
         f"| (a) reading | {ratio(r['th_read'], r['isso_read'], 'rps')} | "
         f"{ratio(r['th_read'], r['isso_read'], 'p99_us')} |",
         f"| (b) submitting | {ratio(r['th_submit'], r['isso_submit'], 'rps')} | "
         f"{ratio(r['th_submit'], r['isso_submit'], 'p99_us')} |",
         "",
         "Townhall's submissions answer 303 (published) or 202 (held); wrk counts every "
         "answer outside 2xx/3xx as an error, so a 422 (rejected) would show there. "
         f"Of Townhall's submissions, {meta.get('th_submit_stored', '?')} were in the "
         "database afterwards (every acknowledged one is stored).", "",
         "## Ceiling", "", head,
         row("actix-web hello (examples/hello.rs)", r["hello"]),
         row("Townhall post page with 200 comments", r["th_read"]), "",
         f"The post page runs at **{percent(r['th_read'], r['hello'])}** of the "
         "ceiling's throughput (the page cache renders it once every 2 s; each request "
         "still gets its own CSRF and form tokens and a cookie, and 200 comments of HTML).",
         "",
         "## Scale", "",
         f"{meta.get('scale_posts', '?')} posts and {meta.get('scale_comments', '?')} "
         "comments made by `bench/gen-scale`. *post* is an archived post with about 100 "
         "comments (the same page for every reader); *open post* is the newest post, "
         "200 comments and an open comment form (a page with one reader's form tokens); "
         "the queue page is signed in (100 held comments); search looks for a common "
         "word. Every page is rendered once per `page_cache_seconds` (2) and then served "
         "from memory: the open post with each reader's own tokens filled in, the queue "
         "for its signed-in browser only (its session checked again once the copy is older "
         "than those seconds). *gzip* "
         "runs ask as browsers do (`Accept-Encoding: gzip`); the others take the page "
         "uncompressed. The bar is a p99 under 20 ms at these 50 connections.", "",
         head]
    pages = (("home", "home"), ("post", "post"), ("hot", "open post"),
             ("hot_gzip", "open post, gzip"), ("queue", "queue"),
             ("queue_gzip", "queue, gzip"), ("search", "search"))
    for db, label in (("sqlite", "SQLite"), ("pg", "PostgreSQL")):
        for page, name in pages:
            L.append(row(f"{label}: {name}", r[f"{db}_{page}"]))
    L += ["", "| Server memory (peak RSS) | MB |", "|---|---:|"]
    for key, label in (("rss_th_small", "Townhall, Isso comparison"),
                       ("rss_sqlite", "Townhall, SQLite at scale"),
                       ("rss_pg", "Townhall, PostgreSQL at scale"),
                       ("rss_isso", "Isso (gunicorn master + workers)")):
        L.append(f"| {label} | {meta.get(key, '–')} |")
    L += ["", f"Filling the databases: SQLite {meta.get('fill_sqlite', '?')} s, "
          f"PostgreSQL {meta.get('fill_pg', '?')} s.", "",
          "## Rules engine", "",
          "criterion, release build (`cargo bench --bench engine`), medians:", "",
          "| Case | median |", "|---|---:|"]
    for name, value in meta.get("engine", {}).items():
        L.append(f"| {name} | {value} |")
    if meta.get("engine_ratio"):
        L += ["", f"Townhall's evaluation, with every rule, takes **{meta['engine_ratio']}** "
              "of the time WordPress's disallowed-keys check (one regex per listed word) "
              "needs on the same comment and lists."]
    history = kept_history(out)
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(L) + "\n")
        if history:
            f.write("\n" + history)


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "townhall-lines":
        townhall_lines(args[0], args[1], int(args[2]), args[3:])
    elif cmd == "isso-seed":
        isso_seed(args[0], args[1], int(args[2]))
    elif cmd == "isso-lines":
        isso_lines(args[0], int(args[1]), args[2:])
    elif cmd == "townhall-count":
        count_comments(args[0], args[1])
    elif cmd == "login":
        login(args[0], args[1], args[2])
    elif cmd == "results":
        results(args[0], args[1])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
