"""dom_check.py DOM-FILE: the DOM Chromium dumped (--dump-dom) of AS64501's planet$earth report holds its tables."""
import sys
from html.parser import HTMLParser

EXPECTED = {
    "table-top-networks": ["Rank", "AS", "Name", "Score", "Rank change", "Score change", "Relationship"],
    "table-peering-candidates": ["#", "AS", "Name", "Rank", "Score", "Rank change", "Why"],
    "table-transit-options": ["#", "AS", "Name", "Rank", "Score", "Market share", "Shared upstreams", "Why"],
    "table-single-homed": ["AS", "Name", "Score", "Why"],
    "table-mutual-customers": ["AS", "Name", "Score"],
    "table-mutual-providers": ["AS", "Name", "Score"],
    "table-insights": ["When (UTC)", "Type", "Message"],
}
# The global market ranks 32 networks: the table shows the top 20, the position chart the top 15 (AS64501 is 8th);
# the peering candidates stop at market_report_candidate_count (10); 8 networks with customers are transit options.
ROWS = {"table-top-networks": 20, "table-peering-candidates": 10, "table-transit-options": 8, "table-single-homed": 3,
        "table-mutual-customers": 1, "table-mutual-providers": 1, "table-insights": 1}
SVGS = {"svg-position": 15, "svg-relationships": 6, "svg-candidates": 10}


class Dom(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables, self.svgs, self.table, self.svg, self.cell, self.in_tbody, self.me_rows = {}, {}, None, None, None, False, []
        self.tags = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.add(tag)
        if tag == "table":
            self.table = attrs.get("id")
            self.tables[self.table] = {"headers": [], "rows": 0}
        elif tag == "tbody":
            self.in_tbody = True
        elif tag == "tr" and self.table and self.in_tbody:
            self.tables[self.table]["rows"] += 1
            if "me" in (attrs.get("class") or "").split():
                self.me_rows.append(self.table)
        elif tag == "th" and self.table:
            self.cell = []
        elif tag == "svg":
            self.svg = attrs.get("id")
            self.svgs[self.svg] = 0
        elif tag == "g" and self.svg and "bar" in (attrs.get("class") or "").split():
            self.svgs[self.svg] += 1

    def handle_endtag(self, tag):
        if tag == "th" and self.cell is not None:
            self.tables[self.table]["headers"].append("".join(self.cell).strip())
            self.cell = None
        elif tag == "tbody":
            self.in_tbody = False
        elif tag == "table":
            self.table = None
        elif tag == "svg":
            self.svg = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def main(path):
    dom = Dom()
    with open(path, encoding="utf-8") as handle:
        dom.feed(handle.read())
    problems = []
    for table, headers in EXPECTED.items():
        found = dom.tables.get(table)
        if found is None:
            problems.append("no table #%s" % table)
            continue
        if found["headers"] != headers:
            problems.append("#%s headers %r, expected %r" % (table, found["headers"], headers))
        if found["rows"] != ROWS[table]:
            problems.append("#%s has %d rows, expected %d" % (table, found["rows"], ROWS[table]))
    for svg, bars in SVGS.items():
        if dom.svgs.get(svg) != bars:
            problems.append("svg #%s has %s bars, expected %d" % (svg, dom.svgs.get(svg), bars))
    if dom.me_rows != ["table-top-networks"]:
        problems.append("the AS's own row is highlighted in %r, expected the top networks table only" % dom.me_rows)
    if "script" in dom.tags:
        problems.append("the page has a <script>")
    print("%s: tables %s, charts %s" % (path, {t: v["rows"] for t, v in dom.tables.items()}, dom.svgs))
    if problems:
        sys.exit("DOM check failed: " + "; ".join(problems))


if __name__ == "__main__":
    main(sys.argv[1])
