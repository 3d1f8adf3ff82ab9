"""What researchers publish, read-only: summary, report, census, timeline, chart, and the
rendering of each (tables, CSV, JSON, Markdown, HTML, PDF) in the reader's language."""
