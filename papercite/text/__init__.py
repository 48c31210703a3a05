"""Text: LaTeX source to Unicode and back, names of people, text safe to print on one line."""
