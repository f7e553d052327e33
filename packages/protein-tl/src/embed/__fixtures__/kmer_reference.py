"""Reference k-mer vectors for KmerEmbedder's parity test (stdin: JSON; stdout: JSON).

scikit-learn's CountVectorizer(analyzer="char", ngram_range=(k, k), lowercase=False) counts every character k-gram;
the columns whose k-gram holds anything but the 20 standard residues are dropped (KmerEmbedder skips those k-mers),
then each row is scaled with sklearn.preprocessing.normalize (norm "l2" or "l1"), or left as counts ("none").
Output: the kept feature names in the vectorizer's (sorted) order and the non-zero entries as [row, column, value].
"""
import json
import sys

from sklearn.feature_extraction.text import CountVectorizer
from sklearn.preprocessing import normalize

STANDARD = set("ACDEFGHIKLMNPQRSTVWY")

req = json.load(sys.stdin)
k = req["k"]
vectorizer = CountVectorizer(analyzer="char", ngram_range=(k, k), lowercase=False)
x = vectorizer.fit_transform(req["sequences"])
names = vectorizer.get_feature_names_out()
keep = [j for j, name in enumerate(names) if set(name) <= STANDARD]
x = x[:, keep].astype("float64")
if req["norm"] != "none":
    x = normalize(x, norm=req["norm"])
coo = x.tocoo()
print(json.dumps({
    "features": [str(names[j]) for j in keep],
    "entries": [[int(r), int(c), float(v)] for r, c, v in zip(coo.row, coo.col, coo.data)],
}))
