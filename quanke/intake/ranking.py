"""From a resident's own words to ranked catalog items: the mechanism, independent of the database.

Evidence, strongest first:
1. phrases found verbatim in the words: dictionary terms (饭卡, 灯+不亮), item names and keywords, each pointing
   at items (longest match wins where phrases overlap);
2. BM25 over each item's name, keywords and dictionary terms, with the query's words and the dictionary's
   expansions (失业金 → 失业保险金);
3. BM25 over descriptions, eligibility and FAQs (lower weight);
4. BM25 over character bigrams and pinyin bigrams, for unknown words and homophone typos.
Short ASCII queries are read as pinyin initials or full pinyin (dbsq, dibao).
"""

import re
from dataclasses import dataclass, field

import numpy as np

from quanke.catalog import textsearch as ts

# Weights of the evidence; tuned on the development half of the evaluation set only.
W_PHRASE = 4.0
W_TITLE = 2.0
W_EXPANSION = 1.5
W_TEXT = 0.5
W_GRAM = 0.6
W_PINYIN = 0.3
NAME_PHRASE_WEIGHT = 1.2
KEYWORD_PHRASE_WEIGHT = 1.0
# A parent item stays close behind its best-ranked child ("prefer the specific item, keep the general one near").
PARENT_KEEP = 0.9
# A combination ("低保+停") is more specific than any of its parts alone ("低保").
COMBO_BONUS = 1.25

# Fillers residents put inside separable words: 截了肢, 洗个澡, 找份工作, 评个残.
_FILLERS = re.compile(r"[了个份]")

_PINYIN_QUERY = re.compile(r"^[a-z]{2,20}$")


@dataclass(frozen=True)
class ItemDoc:
    code: str
    name: str
    parent: str = ""
    keywords: tuple[str, ...] = ()
    text: str = ""  # description, eligibility, category: weaker evidence


@dataclass(frozen=True)
class Synonym:
    term: str
    expansions: tuple[str, ...] = ()
    item_codes: tuple[str, ...] = ()
    weight: float = 1.0


@dataclass
class Suggestion:
    code: str
    name: str
    score: float
    matched: list[str] = field(default_factory=list)


@dataclass
class _Phrase:
    parts: tuple[str, ...]  # one part: a verbatim phrase; several: all must occur ("灯+不亮")
    items: dict[str, float]
    expansions: tuple[str, ...] = ()
    label: str = ""


class SuggestionIndex:
    def __init__(self, items: list[ItemDoc], synonyms: list[Synonym] = (), extra_text: dict | None = None):
        extra_text = extra_text or {}
        self.items = items
        self.position = {d.code: i for i, d in enumerate(items)}
        self.parent_pos = [self.position.get(d.parent, -1) for d in items]
        ts.add_words(w for d in items for w in d.keywords)
        ts.add_words(s.term for s in synonyms)
        ts.add_words(w for s in synonyms for w in s.expansions)

        # The phrase table: item names, keywords and dictionary terms.
        phrases: dict[str, _Phrase] = {}

        def phrase(term: str, code: str | None, weight: float, expansions=()):
            key = ts.normalize(term)
            if not key:
                return
            entry = phrases.setdefault(key, _Phrase(tuple(p for p in key.split("+") if p), {}, (), term))
            if code and code in self.position:
                entry.items[code] = max(entry.items.get(code, 0.0), weight)
            if expansions:
                entry.expansions = tuple(dict.fromkeys(entry.expansions + tuple(expansions)))

        for d in items:
            phrase(d.name, d.code, NAME_PHRASE_WEIGHT)
            for kw in d.keywords:
                phrase(kw, d.code, KEYWORD_PHRASE_WEIGHT)
        terms_of: dict[str, list[str]] = {d.code: [] for d in items}
        for s in synonyms:
            for code in s.item_codes or (None,):
                phrase(s.term, code, s.weight, s.expansions)
                if code in terms_of and "+" not in s.term:
                    terms_of[code].append(s.term)
        # Bucketed by first character so a query only looks at phrases that could occur in it.
        self._plain_by_char: dict[str, list[_Phrase]] = {}
        self._combos_by_char: dict[str, list[_Phrase]] = {}
        for p in phrases.values():
            bucket = self._plain_by_char if len(p.parts) == 1 else self._combos_by_char
            bucket.setdefault(p.parts[0][0], []).append(p)

        titles = [[d.name, *d.keywords, *terms_of[d.code]] for d in items]
        self.title_tokens = [sorted({t for s in title for t in ts.words(s)}) for title in titles]
        texts = [" ".join([d.text, extra_text.get(d.code, ""), self._parent_name(d)]) for d in items]
        self.title = ts.Field([[t for s in title for t in ts.words(s)] for title in titles])
        self.text = ts.Field([ts.words(t) for t in texts])
        self.gram = ts.Field([[g for s in title for g in ts.bigrams(s)] for title in titles], b=0.5)
        self.pinyin = ts.Field([[g for s in title for g in ts.pinyin_bigrams(s)] for title in titles], b=0.5)
        self.pinyin_keys = self._pinyin_keys(titles)

    def _parent_name(self, d: ItemDoc) -> str:
        pos = self.position.get(d.parent)
        return self.items[pos].name if pos is not None else ""

    @staticmethod
    def _pinyin_keys(titles):
        keys = []
        for i, title in enumerate(titles):
            for rank, s in enumerate(title):
                weight = 10.0 if rank == 0 else 8.0
                keys.append((i, ts.initials(s), ts.full_pinyin(s), weight))
        return keys

    # ----------------------------------------------------------------------------------------------------------

    def suggest(self, text: str, top: int = 5) -> list[Suggestion]:
        query = ts.normalize(text)
        if not query or not self.items:
            return []
        compact = query.replace(" ", "")
        if _PINYIN_QUERY.match(compact):
            return self._suggest_pinyin(compact, top)
        scores, matched = self._score(query)
        order = np.argsort(-scores, kind="stable")[:top]
        return [
            Suggestion(
                code=self.items[i].code,
                name=self.items[i].name,
                score=round(float(scores[i]), 2),
                matched=matched.get(int(i), []),
            )
            for i in order
            if scores[i] > 0
        ]

    def _find_phrases(self, query: str) -> tuple[list[_Phrase], list[str]]:
        """Dictionary phrases in the words, longest first without overlaps; then "A+B" combinations, checked
        against the words plus the expansions of what was found (医保卡 → 社保卡 lets 社保卡+丢 fire)."""
        found, expansions = [], []
        # Separable verbs put a filler inside a word (截了肢, 洗个澡, 找份工作): look in a filler-free copy too.
        variants = [query]
        squeezed = _FILLERS.sub("", query)
        if squeezed != query:
            variants.append(squeezed)
        seen = set()
        for text in variants:
            candidates = {id(p): p for c in set(text) for p in self._plain_by_char.get(c, ())}
            taken = [False] * len(text)
            for p in sorted(candidates.values(), key=lambda p: -len(p.parts[0])):
                term = p.parts[0]
                start = text.find(term)
                while start != -1:
                    end = start + len(term)
                    if not any(taken[start:end]):
                        taken[start:end] = [True] * (end - start)
                        if id(p) not in seen:
                            seen.add(id(p))
                            found.append(p)
                            expansions.extend(p.expansions)
                        break
                    start = text.find(term, start + 1)
        context = " ".join(variants + expansions)
        chars = set(context)
        for p in {id(p): p for c in chars for p in self._combos_by_char.get(c, ())}.values():
            if id(p) not in seen and all(part in context for part in p.parts):
                seen.add(id(p))
                found.append(p)
                expansions.extend(p.expansions)
        return found, expansions

    def _score(self, query: str) -> tuple[np.ndarray, dict[int, list[str]]]:
        n = len(self.items)
        scores = np.zeros(n, dtype=np.float32)
        matched: dict[int, list[str]] = {}
        expansions: list[str] = []
        found, expanded = self._find_phrases(query)
        for p in found:
            boost = W_PHRASE * (COMBO_BONUS if len(p.parts) > 1 else 1.0)
            for code, weight in p.items.items():
                i = self.position[code]
                scores[i] += boost * weight
                matched.setdefault(i, []).append(p.label)
        for e in expanded:
            expansions.extend(ts.words(e))
        tokens = ts.words(query)
        scores += W_TITLE * self.title.scores(tokens)
        if expansions:
            scores += W_EXPANSION * self.title.scores(expansions)
        scores += W_TEXT * self.text.scores(tokens + expansions)
        scores += W_GRAM * self.gram.scores(ts.bigrams(query))
        scores += W_PINYIN * self.pinyin.scores(ts.pinyin_bigrams(query))

        # Keep a parent right behind its best child when that child leads.
        best = int(np.argmax(scores))
        parent = self.parent_pos[best]
        if scores[best] > 0 and parent >= 0 and scores[parent] < PARENT_KEEP * scores[best]:
            scores[parent] = PARENT_KEEP * scores[best]

        # Words that explain each leading item.
        wanted = set(tokens) | set(expansions)
        for i in np.argsort(-scores)[:10]:
            i = int(i)
            if scores[i] <= 0:
                break
            hits = [t for t in self.title_tokens[i] if t in wanted]
            words = matched.setdefault(i, [])
            words.extend(h for h in hits if not any(h in w for w in words))
        return scores, matched

    def _suggest_pinyin(self, q: str, top: int) -> list[Suggestion]:
        best: dict[int, float] = {}
        for i, init, full, weight in self.pinyin_keys:
            score = 0.0
            if q in (init, full):
                score = weight
            elif len(q) >= 2 and init.startswith(q):
                score = weight * 0.5 + 2.0 * len(q) / len(init)
            elif len(q) >= 3 and full.startswith(q):
                score = weight * 0.5 + 2.0 * len(q) / len(full)
            if score > best.get(i, 0.0):
                best[i] = score
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], len(self.items[kv[0]].name)))[:top]
        return [Suggestion(self.items[i].code, self.items[i].name, round(s, 2), [q]) for i, s in ranked]
