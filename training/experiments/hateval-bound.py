#!/usr/bin/env python3
"""How far a linear n-gram model OR'd with the rules can go on HatEval `val`.

usage (from the repository root, after `cargo build --release`):
    pip install scikit-learn
    python3 training/experiments/hateval-bound.py

It trains a logistic regression (TF-IDF word 1-2-grams and character 3-5-grams, classes
balanced) on HatEval `train` alone, ORs it with the shipped rules without the learned
models (their actions set to publish in a copy of moderation-rules/), and prints recall
and false positives on `val`, scored as ../shared/tools/engine-scores scores them, for a
range of thresholds picked on `val` itself: an upper bound, since no honest threshold
can be picked on the lines it is judged on. Not part of the product or of its tests."""
import json, os, re, shutil, subprocess, tempfile

import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

SHARED = "../shared"
BIN = "target/release/townhall"
SWEARS = re.compile(r"\b(f+u+c+k\w*|sh[i1]t\w*|cunts?|bitch\w*|bastards?|dicks?|dickheads?|cocks?|puss(y|ies)|whores?|"
                    r"sluts?|slags?|skanks?|scum\w*|stfu|pricks?|motherf\w+|a(ss|rse)holes?|twats?|wankers?|nigg\w+|fag\w*|"
                    r"retard\w*|hoes?)\b", re.I)
MODELS = ("civility.model", "civility.abuse_model")


def rules_without_models(folder):
    shutil.copytree("moderation-rules", folder, dirs_exist_ok=True)
    path = os.path.join(folder, "house-rules.toml")
    text = open(path, encoding="utf-8").read()
    for rule in MODELS:
        at = text.index(f'id = "{rule}"')
        act = text.index('action = "reject"', at)
        text = text[:act] + 'action = "publish"' + text[act + len('action = "reject"'):]
    open(path, "w", encoding="utf-8").write(text)


def rules_catch(texts, folder):
    lines = "".join(json.dumps({"id": f"v{i}", "post": "p1", "author": f"Reader {i}",
                                "email": f"r{i}@mail.example.com", "ip": f"198.51.100.{i % 250 + 1}",
                                "seconds_on_page": 90, "honeypot": "", "body": t}) + "\n"
                    for i, t in enumerate(texts))
    out = subprocess.run([BIN, "rules", "check", "--dir", folder, "--posts", f"{SHARED}/corpus/posts.jsonl"],
                         input=lines, capture_output=True, text=True, check=True).stdout
    return np.array([v["action"] in ("hold", "reject") and any(h.get("house_rule") == 1 for h in v["hits"])
                     for v in map(json.loads, out.splitlines())])


rows = [json.loads(l) for l in open(f"{SHARED}/training/hateval.jsonl", encoding="utf-8")]
train = [r for r in rows if r["split"] == "train"]
val = [r for r in rows if r["split"] == "val"]
words = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=2, sublinear_tf=True)
x_train = hstack([words.fit_transform([r["text"] for r in train]), chars.fit_transform([r["text"] for r in train])])
x_val = hstack([words.transform([r["text"] for r in val]), chars.transform([r["text"] for r in val])])
model = LogisticRegression(C=1, max_iter=3000, class_weight="balanced")
model.fit(x_train.tocsr(), [r["label"] == "hate" for r in train])
scores = model.predict_proba(x_val.tocsr())[:, 1]

hate = np.array([r["label"] == "hate" for r in val])
civil = np.array([r["label"] != "hate" and not SWEARS.search(r["text"]) for r in val])
with tempfile.TemporaryDirectory() as folder:
    rules_without_models(folder)
    rules = rules_catch([r["text"] for r in val], folder)
print(f"rules alone: recall {rules[hate].mean():.1%}, false positives {rules[civil].mean():.1%}")
for threshold in (0.93, 0.89, 0.85, 0.81, 0.77, 0.73):
    caught = rules | (scores >= threshold)
    print(f"rules or the n-gram model at {threshold:.2f}: recall {caught[hate].mean():.1%}, "
          f"false positives {caught[civil].mean():.1%}")
