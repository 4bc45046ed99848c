extensions = ["myst_parser", "essay_kb"]
myst_enable_extensions = ["attrs_block", "colon_fence"]
html_theme = "furo"
html_baseurl = "https://kb.test/"
kb_themes_file = "themes.yaml"
kb_sidebar_pages = ["glossary", "links"]
kb_sidebar_window = 3
