"""``suggest``: list every candidate figure in a text, as a checklist for the coder.

The tool finds; the coder decides. For each number in the text (digits, number
words in English or German, or a vague amount such as "thousands of") it gives
the span, the value, the qualifier its words imply (codes of the `qualifier`
codelist), the nearest attribution cue and the nearest date, resolved against
the publication date. Given a report, it marks which candidates the report
already codes. It never writes a claim, a quantity or a file.

Number words come from text2num and weekday, month and relative-day names from
dateparser's locale data; both are imported only here, so validation never
loads them. The qualifier and cue words below are the codelists' own examples,
in English and German.

"a"/"an" is a number only before a noun that the `subject` codelist counts
(its titles and its quoted "a ..." examples: "a child", "a kindergarten",
"a residential building"), and only in English, the codelist's language; such
candidates have kind `article`, and --no-articles leaves them out. German
"ein"/"eine" is never a candidate. Numbers that are part of a time expression
("24 hours", "Oct. 29", "10:30") are not figures.
"""

from war_report_events.tools.suggest.command import main, primary_language, render_candidates, suggest
from war_report_events.tools.suggest.coverage import CodedSpan, coded_spans, mark_coded
from war_report_events.tools.suggest.figures import Candidate, counted_nouns
from war_report_events.tools.suggest.times import Cue, TimeExpression, cues, sentences, time_expressions

__all__ = [
    "Candidate",
    "CodedSpan",
    "Cue",
    "TimeExpression",
    "coded_spans",
    "counted_nouns",
    "cues",
    "main",
    "mark_coded",
    "primary_language",
    "render_candidates",
    "sentences",
    "suggest",
    "time_expressions",
]
