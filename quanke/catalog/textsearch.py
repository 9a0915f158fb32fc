"""Chinese text machinery shared by item suggestion and knowledge-base search: one tokenizer for both.

jieba segments words (item names, keywords and dictionary terms are added so they stay whole), character bigrams
catch partial overlaps and unknown words, and pinyin bigrams catch homophone typos (底保 for 低保).
"""

import logging
import re
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache

import bm25s
import jieba
import numpy as np
from pypinyin import Style, lazy_pinyin

jieba.setLogLevel(logging.WARNING)
# bm25s switches its own logger to DEBUG on import; its progress notes are noise in commands and tests.
logging.getLogger("bm25s").setLevel(logging.WARNING)

# Words that carry no request: pronouns, particles, politeness and "how do I" phrasing.
_STOPWORD_TEXT = """
    的 了 吗 呢 啊 吧 呀 嘛 哦 噢 哈 啦 咧 呐 么 着 过 得 地 之 与 及 和 跟 同 或 并 而 也 还 都 就 又 再 才 只 很 太 挺 好
    我 你 您 他 她 它 俺 咱 咱们 我们 你们 他们 她们 人家 自己 大家 这 那 这个 那个 这些 那些 这儿 那儿 这里 那里 这边
    那边 哪 哪里 哪儿 哪个 什么 啥 咋 怎么 怎么办 怎样 如何 为啥 为什么 多少 几 是 不是 有 没 没有 在 要 想 想要 能 能不能
    可以 可不可以 会 该 应该 得 给 帮 帮忙 帮我 麻烦 请 请问 问 问问 问一下 一下 下 个 一个 些 一些 点 一点 儿 事 事儿
    来 去 到 上 从 把 被 让 叫 说 听说 知道 现在 今天 昨天 刚才 已经 一直 还是 就是 但是 可是 所以 因为 如果 要是 然后
    同志 大姐 大哥 大爷 大妈 阿姨 叔叔 小姑娘 领导 老师 姑娘 师傅 谢谢 你好 您好 那个啥 这事 咋整 咋办 行不行 行吗 成不 有没有 能不能 是不是 啥子 咋个 晓得 搞 弄 整 社区 居委会 街道 咱们社区 好几 几年 好多 一些
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

_CJK = re.compile(r"[\u3400-\u9fff]")
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
_ASCII_WORD = re.compile(r"[a-z0-9]+")
# Brackets a document number may be typed with: 民发〔2020〕20号, 民发[2020]20号, 民发(2020)20号.
_NUMBER_NOISE = re.compile(r"[\s〔〕\[\]()（）【】「」<>《》“”\"'·、，,.。第]")

_tokenizer = jieba.Tokenizer()
_tokenizer_lock = threading.Lock()
_known_words: set[str] = set()


def normalize(text: str) -> str:
    """Full-width to half-width, lower case, collapsed spaces."""
    return " ".join(unicodedata.normalize("NFKC", text or "").lower().split())


def normalize_number(text: str) -> str:
    """A document number reduced to its letters and digits, so any bracket style matches."""
    return _NUMBER_NOISE.sub("", normalize(text))


def add_words(words: Iterable[str]) -> None:
    """Teach the tokenizer domain words so they segment whole (once per word per process)."""
    new = [w for w in words if w and len(w) > 1 and w not in _known_words and "+" not in w]
    if not new:
        return
    with _tokenizer_lock:
        for word in new:
            _tokenizer.add_word(word, freq=20000)
            _known_words.add(word)


def words(text: str) -> list[str]:
    """Search tokens of `text`: jieba words (and their sub-words), minus stopwords and punctuation."""
    text = normalize(text)
    out = []
    for token in _tokenizer.cut_for_search(text, HMM=False):
        token = token.strip()
        if not token or token in STOPWORDS:
            continue
        if _CJK.search(token) or _ASCII_WORD.fullmatch(token):
            out.append(token)
    return out


def bigrams(text: str) -> list[str]:
    """Overlapping character bigrams of every run of Chinese characters (single characters stand alone)."""
    out = []
    for run in _CJK_RUN.findall(normalize(text)):
        if len(run) == 1:
            if run not in STOPWORDS:
                out.append(run)
            continue
        out.extend(g for g in (run[i : i + 2] for i in range(len(run) - 1)) if g not in STOPWORDS)
    return out


@lru_cache(maxsize=20000)
def char_pinyin(char: str) -> str:
    return (lazy_pinyin(char, style=Style.NORMAL, errors="ignore") or [char])[0]


def pinyin_bigrams(text: str) -> list[str]:
    """Bigrams of toneless syllables: homophone typos (底保, 残急人) land on the same keys as the right words."""
    out = []
    for run in _CJK_RUN.findall(normalize(text)):
        syllables = [char_pinyin(c) for c in run]
        out.extend(f"{a}_{b}" for a, b in zip(syllables, syllables[1:], strict=False))
    return out


def initials(text: str) -> str:
    return "".join(lazy_pinyin(normalize(text), style=Style.FIRST_LETTER, errors="ignore")).lower()


def full_pinyin(text: str) -> str:
    return "".join(lazy_pinyin(normalize(text), style=Style.NORMAL, errors="ignore")).lower()


class Field:
    """One BM25 index over a token list per document (bm25s), tolerant of empty documents and queries."""

    def __init__(self, docs: list[list[str]], *, k1: float = 1.2, b: float = 0.75):
        self.size = len(docs)
        self.retriever, self.vocab = None, {}
        if any(docs):  # bm25s cannot index an empty corpus (an empty catalog, say)
            self.retriever = bm25s.BM25(k1=k1, b=b)
            self.retriever.index([d or [""] for d in docs], show_progress=False)
            self.vocab = self.retriever.vocab_dict

    def scores(self, tokens: list[str]) -> np.ndarray:
        known = [t for t in tokens if t in self.vocab and t]
        if not known:
            return np.zeros(self.size, dtype=np.float32)
        return self.retriever.get_scores(known)


class CachedIndex:
    """A per-process index rebuilt when its data changes.

    Saves in this process invalidate it at once (signal receivers call `invalidate`); changes made by other
    processes or by bulk updates are noticed through a cheap stamp query, at most every `check_seconds`.
    """

    def __init__(self, build: Callable[[], object], stamp: Callable[[], tuple], check_seconds: float = 2.0):
        self._build, self._stamp, self.check_seconds = build, stamp, check_seconds
        self._value, self._value_stamp, self._checked_at = None, None, 0.0
        self._lock = threading.Lock()

    def invalidate(self) -> None:
        self._checked_at = 0.0
        self._value_stamp = None

    def get(self):
        now = time.monotonic()
        if self._value is not None and now - self._checked_at < self.check_seconds:
            return self._value
        with self._lock:
            stamp = self._stamp()
            if self._value is None or stamp != self._value_stamp:
                self._value = self._build()
                self._value_stamp = stamp
            self._checked_at = time.monotonic()
            return self._value
