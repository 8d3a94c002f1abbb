"""Static HTML review pages: every figure in its source, every claim on an event side by side, every error at its place.

``collect`` reads packages and reports (the only I/O besides writing), ``words`` puts amounts into words and
compares them, ``page`` renders HTML from what was collected, ``cli`` writes the pages all at once.
"""
