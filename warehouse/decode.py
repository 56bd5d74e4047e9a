"""Bytes of one input file → the text that fact offsets index.

Saved web pages are flattened to their visible text; plain text hard-wrapped by a PDF
converter is put back into paragraphs, breaks that cut a sentence before its number are
removed, and Markdown files lose their formatting marks (warehouse.layout).

Reports arrive as UTF-8 (with or without BOM), GBK/GB18030, Big5 or as saved web pages.
Short Chinese texts fool statistical detectors, so strict decodes are tried first and, when
more than one succeeds, the reading dominated by frequent characters wins.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import charset_normalizer
from selectolax.lexbor import LexborHTMLParser, LexborNode

from warehouse.layout import plain_markdown, rejoin, unwrap


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str
    content_type: str  # "text" or "html"


class RejectedInput(Exception):
    """The input cannot become report text; `reason` says why in plain words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "PDF"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"PK\x03\x04", "ZIP/DOCX/XLSX"),
    (b"PK\x05\x06", "ZIP"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "MS Office DOC/XLS"),
    (b"\x1f\x8b", "GZIP"),
    (b"Rar!\x1a\x07", "RAR"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip"),
)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_CHARSET_ALIASES = {
    "utf8": "utf-8",
    "utf-8": "utf-8",
    "gbk": "gb18030",
    "gb2312": "gb18030",
    "gb18030": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "big5": "big5",
    "x-big5": "big5",
    "cp950": "big5",
}

# Frequent characters of Chinese prose and of these reports, simplified and traditional.
# The text of a genuine report is dominated by them; a wrong decode yields rare characters.
_COMMON_CHARS = frozenset(
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下"
    "自之年过发后作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部"
    "其些主样理心她本前开但因只从想实日军者意无力它与长把机十民第公此已工使情明性知全三又"
    "关点正业外将两高间由问很最重并物手应战向头文体政美相见被利什二等产或新己制身果加西月"
    "话合回特代内信表化老给世位次度门任常先海通教儿原东声提立及比员解水名真论处走义各入几"
    "口认条平系气题活更别打女变四神总何电数安少报才结反受目太量再感建务做接必场件计管期市"
    "直德资命山金指许统区保至队形社便空决治展科司五基书非则听白却界达光放强即难且权思象完"
    "设式色路记南品住告类求据程北边张该交规万取格望觉术领共确传师观清今切院让识带导争运改"
    "收根干造言联持组每济车亲极服快办议往元证近失转令准布始存未远台单影具罗爱击流备连调深"
    "商算质团集百需价花党华城石级整府离况请技际约示复息究线似官断精满支视消越器容照须九增"
    "研写称企八功包片史委乎查轻易早曾除农找装广显李标图念六引历首医局专费号尽另周较注语仅"
    "考落青随选列武红响虽推势参希古众构房半节土投某案黑维革划致陈律足态护七兴派验责营星够"
    "章音跟志底站严例防族供效续施留讲型料终答紧黄绝察京段依批群项故按河米围江织害双境客纪"
    "采举细愿千值仍男钱网助育属职速刻乐否状率独般普校创假久错承印试股预益阳若微继送急伤素"
    "药适省初卫源险待述陆习置居劳财环排福纳欢获模充负停游树层略范句室异激村策演简罪判担州"
    "静退既宗积余检差富协角占配征修降阶审坚善免压买养执副抗犯追帮宣岁优田控税左右份艺背阵"
    "概块守托央户款靠评版释景顾登货互付换闻危核介讨良序升监临露永域减编测败散温困渐封救贵"
    "缺县移短掌遗固席秘康虑均销藏损端探录春乡附吸予礼额顺输招婚补督疗材逐笔词择寻授诺健借"
    "禁园避荣逃镇练迫篇访弱典扩盖稳拥齐赛促延申缓售折植纯培混盛措订违汇援译触课敬召罚侧债"
    "享签症牌陷缘播季仪奋庆繁潮聚径启累暂估横拒隔零码衡劲辩署奉纠纷诉讼宪惩诈骗咨询街矛盾"
    "這個們來為國說時會對於著過發後裡動麼經學當沒現進還從實軍與長機關點業將兩間問應戰頭體"
    "見產製話總電數報結無義處論語認條氣題變門員東聲區權萬統資設議導組織黨級規幾層際環務場"
    "書記據傳師觀讓識帶爭運陳團術領確車親極辦證轉準單羅愛擊備調質價華離況請約復歷醫專費號"
    "盡較僅隨選響雖勢參眾構節維劃態護興驗責營夠嚴衛續講終緊黃絕縣檢察織圍害雙紀採舉細願錢"
    "網幫屬職樂狀獨創錯預誰陽繼傷藥適險陸習勞財歡獲範異簡擔靜積餘協徵審堅壓買養懷執宣歲優"
    "鐵稅藝陣塊託戶評寶釋顧貨換聞臨編測敗溫漸貴遺慮銷劇損舊錄鄉禮額順輸補療筆詞擇尋諾園榮"
    "鎮練訪擴蓋穩擁齊賽緩純訂違匯譯課罰側債簽陷緣慶橋糧縮啟暫橫窮勁辯糾紛訟憲懲詐騙複諮詢"
    "開廣顯築邊圖戰續"
)

_DECLARED_BONUS = 0.15
_TIE_MARGIN = 0.02
_MAX_REPLACED_SHARE = 0.005
_MAX_CONTROL_SHARE = 0.01
_SNIFF_BYTES = 8192
_SCORE_CHARS = 200_000
# Control, surrogate and private-use characters: rare in text, common in misdecoded bytes.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff]")

_HTML_START = (
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta)\b"
)
_HTML_START_TEXT = re.compile(_HTML_START, re.IGNORECASE | re.DOTALL)
_HTML_START_BYTES = re.compile(_HTML_START.encode(), re.IGNORECASE | re.DOTALL)
_META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:\-]+)", re.IGNORECASE)

# Elements a reader of the page never sees as article text.
_DROPPED_TAGS = frozenset(
    "script style noscript nav header footer form iframe template svg canvas object embed "  # noqa: SIM905
    "select button textarea".split()
)
_BLOCK_TAGS = frozenset(
    "address article aside blockquote caption center dd details dialog div dl dt fieldset "  # noqa: SIM905
    "figcaption figure h1 h2 h3 h4 h5 h6 hr li main ol p pre section summary table tbody "
    "tfoot thead tr ul".split()
)
_CELL_TAGS = frozenset(("td", "th"))
_SPACE_RUN = re.compile(r"[ \t\n\r\f\v\u00a0]+")
# a line break in the page source between two Chinese characters renders as nothing (CSS
# segment-break rule for East Asian text): 调解矛盾纠\n纷428件 is 调解矛盾纠纷428件
_WIDE = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_WIDE_BREAK = re.compile(rf"(?<=[{_WIDE}])[ \t\r]*\n[ \t\r\n]*(?=[{_WIDE}])")
_LINE_SPACE_RUN = re.compile(r"[ \f\v\u00a0]+")
_DIGIT = re.compile(r"\d")
_MAX_CELL_CHARS = 200
_MAX_SPAN = 50
CELL_SEPARATOR = "\t"
"""Table cells are joined by tabs, so the extractor reads web-page tables as tables."""


def decode(data: bytes, name: str) -> Decoded:
    """Decode one input file; raise `RejectedInput` when it is not report text."""
    _reject_binary(data)
    html_by_name = name.lower().endswith((".html", ".htm"))
    encoding, text = _decode_text(data, html_by_name)
    _reject_implausible(text)
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if html_by_name or _HTML_START_TEXT.match(text[:_SNIFF_BYTES]):
        text = html_to_text(text)
        if not text.strip():
            raise RejectedInput("empty text: the HTML page has no visible text")
        return Decoded(rejoin(text), encoding, "html")
    if not text.strip():
        raise RejectedInput("empty file (only whitespace)")
    if name.lower().endswith((".md", ".markdown")):
        text = plain_markdown(text)
    return Decoded(rejoin(unwrap(text)), encoding, "text")


def _reject_binary(data: bytes) -> None:
    if not data:
        raise RejectedInput("empty file")
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise RejectedInput(f"binary content ({kind} signature)")
    is_utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if b"\x00" in data and not is_utf16:
        raise RejectedInput("binary content (NUL bytes)")


def _decode_text(data: bytes, html_by_name: bool) -> tuple[str, str]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return encoding, data.decode(encoding)
            except UnicodeDecodeError as err:
                raise RejectedInput(f"undecodable: invalid {encoding} after its BOM") from err
    head = data[:_SNIFF_BYTES]
    declared = None
    if html_by_name or _HTML_START_BYTES.match(head):
        declared = declared_charset(head)
    return _choose(data, declared)


def declared_charset(head: bytes) -> str | None:
    """The charset an HTML page declares in `<meta charset>` or http-equiv, normalised."""
    match = _META_CHARSET.search(head)
    return normalise_charset(match.group(1).decode("ascii")) if match else None


def normalise_charset(label: str) -> str | None:
    """A charset label as one of our encoding names, or Python's codec name; None if unknown."""
    label = label.strip().lower()
    if label in _CHARSET_ALIASES:
        return _CHARSET_ALIASES[label]
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _choose(data: bytes, declared: str | None) -> tuple[str, str]:
    if declared is None and (text := _strict(data, "utf-8")) is not None:
        return "utf-8", text
    names = dict.fromkeys(n for n in (declared, "utf-8", "gb18030", "big5") if n)
    strict = {n: t for n in names if (t := _strict(data, n)) is not None}
    if strict:
        return _most_plausible(data, strict, declared)
    lenient = _lenient_candidates(data, names)
    if lenient:
        return max(lenient.items(), key=lambda item: plausibility(item[1]))
    return _fallback(data)


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _most_plausible(
    data: bytes, candidates: dict[str, str], declared: str | None
) -> tuple[str, str]:
    scores = {
        name: plausibility(text) + (_DECLARED_BONUS if name == declared else 0.0)
        for name, text in candidates.items()
    }
    ranked = sorted(scores, key=scores.__getitem__, reverse=True)
    best = ranked[0]
    if len(ranked) > 1 and declared is None and scores[best] - scores[ranked[1]] < _TIE_MARGIN:
        guess = _detector_guess(data)
        if guess in candidates:
            best = guess
    return best, candidates[best]


def _lenient_candidates(data: bytes, names: dict[str, None]) -> dict[str, str]:
    """Decodes with a few damaged bytes (a truncated last character, a stray byte)."""
    out = {}
    for name in names:
        text = data.decode(name, errors="replace")
        if text.count("\ufffd") <= max(1, len(text) * _MAX_REPLACED_SHARE):
            out[name] = text
    return out


def _detector_guess(data: bytes) -> str | None:
    match = charset_normalizer.from_bytes(data).best()
    return normalise_charset(match.encoding) if match else None


def _fallback(data: bytes) -> tuple[str, str]:
    guess = _detector_guess(data)
    text = _strict(data, guess) if guess else None
    if guess is None or text is None or _control_share(text) > _MAX_CONTROL_SHARE:
        raise RejectedInput("undecodable: not UTF-8/GB18030/Big5 text")
    return guess, text


def plausibility(text: str) -> float:
    """Share of non-ASCII characters that are frequent Chinese characters (0 when none)."""
    wide = [ch for ch in text[:_SCORE_CHARS] if ord(ch) > 0x7F]
    if not wide:
        return 0.0
    return sum(ch in _COMMON_CHARS for ch in wide) / len(wide)


def _control_share(text: str) -> float:
    return len(_CONTROL.findall(text)) / max(1, len(text))


def _reject_implausible(text: str) -> None:
    if _control_share(text) > _MAX_CONTROL_SHARE:
        raise RejectedInput("undecodable: not UTF-8/GB18030/Big5 text (control characters)")


def html_to_text(html: str) -> str:
    """The visible text of a web page, one line per block, as a browser renders it."""
    tree = LexborHTMLParser(html)
    root = tree.body or tree.root
    if root is None:
        return ""
    pieces: list[str] = []
    stack: list[tuple[LexborNode, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        if leaving:
            pieces.append("\n")
            continue
        if node.is_text_node:
            pieces.append(_SPACE_RUN.sub(" ", _WIDE_BREAK.sub("", node.text_content or "")))
        elif node.is_element_node:
            _open_element(node, pieces, stack)
    lines = (_clean_line(line) for line in "".join(pieces).split("\n"))
    return "\n".join(line for line in lines if line)


def _table_grid(table: LexborNode) -> list[list[str]]:
    """The rows of an HTML table as text cells, merged cells repeated into every column and
    row they span, and a header of several rows read as one (行政诉讼 over 审结 → 行政诉讼审结),
    so that each data cell lines up with the name of its column."""
    rows: list[list[str]] = []
    spanning: dict[int, tuple[int, str]] = {}  # column -> (rows still covered, text)
    for tr in table.css("tr"):
        row: list[str] = []
        for cell in (c for c in tr.iter() if c.tag in _CELL_TAGS):
            _fill_spanned(row, spanning)
            text = _SPACE_RUN.sub(" ", cell.text(deep=True)).strip()
            for _ in range(_span(cell, "colspan")):
                if (down := _span(cell, "rowspan")) > 1:
                    spanning[len(row)] = (down - 1, text)
                row.append(text)
        _fill_spanned(row, spanning)
        rows.append(row)
    return _merge_header(rows)


def _lays_out_page(table: LexborNode) -> bool:
    """A table that holds the page (other tables, cells of prose) rather than data."""
    if len(table.css("table")) > 1:  # the matches include the table itself
        return True
    return any(len(c.text(deep=True)) > _MAX_CELL_CHARS for c in table.css("td, th"))


def _span(cell: LexborNode, name: str) -> int:
    value = (cell.attributes.get(name) or "1").strip()
    return min(int(value), _MAX_SPAN) if value.isdigit() and int(value) > 0 else 1


def _fill_spanned(row: list[str], spanning: dict[int, tuple[int, str]]) -> None:
    """Repeat into `row`, at its next columns, the cells of rows above that span down to it."""
    while len(row) in spanning:
        left, text = spanning.pop(len(row))
        if left > 1:
            spanning[len(row)] = (left - 1, text)
        row.append(text)


def _merge_header(rows: list[list[str]]) -> list[list[str]]:
    header_rows = 0
    while header_rows < len(rows) and not any(_DIGIT.search(c) for c in rows[header_rows][1:]):
        header_rows += 1
    if header_rows < 2 or header_rows == len(rows):
        return rows
    width = max(len(r) for r in rows[:header_rows])
    merged = [
        "".join(dict.fromkeys(r[c] for r in rows[:header_rows] if c < len(r) and r[c]))
        for c in range(width)
    ]
    return [merged, *rows[header_rows:]]


def _clean_line(line: str) -> str:
    cells = (_LINE_SPACE_RUN.sub(" ", cell).strip(" ") for cell in line.split(CELL_SEPARATOR))
    return CELL_SEPARATOR.join(c for c in cells if c)


def _open_element(
    node: LexborNode, pieces: list[str], stack: list[tuple[LexborNode, bool]]
) -> None:
    tag = node.tag or ""
    if tag in _DROPPED_TAGS:
        return
    if tag == "br":
        pieces.append("\n")
        return
    if tag == "table" and not _lays_out_page(node):
        pieces.append("\n" + "\n".join(map(CELL_SEPARATOR.join, _table_grid(node))) + "\n")
        return
    if tag in _CELL_TAGS:
        pieces.append(CELL_SEPARATOR)
    if tag in _BLOCK_TAGS:
        pieces.append("\n")
        stack.append((node, True))
    stack.extend((child, False) for child in reversed(list(node.iter(include_text=True))))
