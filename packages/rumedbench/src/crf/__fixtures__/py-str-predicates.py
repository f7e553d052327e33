"""Reads a JSON list of strings on stdin; prints Python's isupper/istitle/isdigit/lower/[-3:]/[-2:] of each."""
import json
import sys

words = json.load(sys.stdin)
json.dump([[w.isupper(), w.istitle(), w.isdigit(), w.lower(), w[-3:], w[-2:]] for w in words], sys.stdout, ensure_ascii=False)
