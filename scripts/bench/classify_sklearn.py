"""scikit-learn's baselines on the folds sluice used (scripts/bench-classify.sh runs this).

usage: classify_sklearn.py LABELLED.jsonl FOLDS.txt NB_MAX_N
FOLDS.txt holds one fold number per line of LABELLED.jsonl (-1: not measured). Prints one JSON object:
{"naive_bayes": accuracy, "logistic": accuracy, "examples": n, "folds": k}.
"""
import json
import sys

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import MultinomialNB


def main():
    labelled, folds_path, nb_max_n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    texts, labels = [], []
    with open(labelled, encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                item = json.loads(line)
                texts.append(item["text"])
                labels.append(item["label"])
    with open(folds_path, encoding="utf-8") as lines:
        folds = [int(line) for line in lines if line.strip()]
    if len(folds) != len(texts):
        sys.exit(f"{folds_path}: {len(folds)} folds for {len(texts)} items in {labelled}")
    texts, labels, folds = np.array(texts, dtype=object), np.array(labels), np.array(folds)
    kept = folds >= 0
    texts, labels, folds = texts[kept], labels[kept], folds[kept]
    models = {
        # Character n-gram naive Bayes, as the set's README measured it.
        "naive_bayes": lambda: (CountVectorizer(analyzer="char", ngram_range=(1, nb_max_n)), MultinomialNB()),
        # TF-IDF (sublinear tf, l2) character 1-3-gram logistic regression.
        "logistic": lambda: (TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True),
                             LogisticRegression(C=10, max_iter=3000)),
    }
    result = {"examples": int(len(texts)), "folds": int(folds.max() + 1)}
    for name, make in models.items():
        correct = 0
        for fold in range(result["folds"]):
            train, test = folds != fold, folds == fold
            vectorizer, classifier = make()
            classifier.fit(vectorizer.fit_transform(texts[train]), labels[train])
            correct += int((classifier.predict(vectorizer.transform(texts[test])) == labels[test]).sum())
        result[name] = correct / len(texts)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
