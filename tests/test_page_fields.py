"""Title and author of HTML pages from the evidence that agrees (cleaner/page_fields.py)."""

from __future__ import annotations

from cleaner.page_fields import clean_name, join_names, page_author, page_title
from cleaner.steps.extract import parse_page


def _tree(head: str, body: str):
    tree = parse_page(f"<html><head>{head}</head><body>{body}</body></html>")
    assert tree is not None
    return tree


def test_title_is_the_headline_that_agrees_with_the_meta_title() -> None:
    tree = _tree(
        "<title>Machine learning, explained | MIT Sloan</title>",
        "<header><h1>MIT Sloan</h1></header><article><h1>Machine learning, explained</h1>"
        "<p>Text.</p></article>",
    )
    assert page_title(tree, "https://mitsloan.mit.edu/x", "MIT Sloan") == (
        "Machine learning, explained"
    )


def test_title_without_headline_drops_the_site_name() -> None:
    tree = _tree(
        '<meta property="og:title" content="Video Production Process - QuickFrame">',
        "<p>Text.</p>",
    )
    assert page_title(tree, "https://quickframe.com/blog/x", "QuickFrame") == (
        "Video Production Process"
    )


def test_title_from_json_ld_headline_with_escaped_characters() -> None:
    tree = _tree(
        '<script type="application/ld+json">{"@type": "NewsArticle", '
        '"headline": "Plans &amp; Packages"}</script>',
        "<p>Text.</p>",
    )
    assert page_title(tree, None, None) == "Plans & Packages"


def test_faq_questions_are_not_the_title() -> None:
    tree = _tree(
        '<script type="application/ld+json">{"@type": "FAQPage", "mainEntity": '
        '[{"@type": "Question", "name": "What plans are there?"}]}</script>'
        "<title>Travel Insurance</title>",
        "<p>Text.</p>",
    )
    assert page_title(tree, None, None) == "Travel Insurance"


def test_broken_json_ld_is_skipped() -> None:
    tree = _tree('<script type="application/ld+json">{"@type": </script><title>T x</title>', "")
    assert page_title(tree, None, None) == "T x"


def test_author_from_json_ld_names() -> None:
    tree = _tree(
        '<script type="application/ld+json">{"@type": "Article", "author": '
        '[{"@type": "Person", "name": "Jared Newman"}, {"name": "Sam Singleton"}]}</script>',
        "",
    )
    assert page_author(tree, None, "Someone Else") == "Jared Newman and Sam Singleton"


def test_author_fallback_loses_what_follows_the_name() -> None:
    tree = _tree("", "<p>Text.</p>")
    assert page_author(tree, None, "Cazzy Magennis Last Updated August 1") == "Cazzy Magennis"
    assert page_author(tree, None, "By Jane Doe") == "Jane Doe"
    assert page_author(tree, None, None) is None


def test_author_fallback_search_runs_only_when_the_page_names_no_author() -> None:
    searches: list[str] = []

    def search() -> str:
        searches.append("ran")
        return "Jane Doe"

    named = _tree('<meta name="author" content="Sam Singleton">', "<p>Text.</p>")
    assert page_author(named, None, search) == "Sam Singleton"
    assert searches == []
    assert page_author(_tree("", "<p>Text.</p>"), None, search) == "Jane Doe"
    assert searches == ["ran"]


def test_sentences_and_addresses_are_not_names() -> None:
    assert clean_name("Jane writes about food. She lives in Paris") is None
    assert clean_name("https://example.com/jane") is None
    assert join_names(["A B", "a b", "C D", "E F"]) == "A B, C D and E F"


def test_stated_date_prefers_published_meta_then_json_ld_then_time() -> None:
    from cleaner.page_fields import stated_date

    page = (
        '<meta property="article:modified_time" content="2025-03-01T10:00:00Z">'
        '<meta property="article:published_time" content="2024-05-06T08:00:00Z">'
        '<script type="application/ld+json">{"datePublished": "2023-01-02"}</script>'
        '<time datetime="2022-07-08">8 July</time>'
    )
    assert stated_date(page) == "2024-05-06"
    assert stated_date(page.split("<script")[0].replace("published", "x")) is None
    assert stated_date(page[page.index("<script") :]) == "2023-01-02"
    assert stated_date(page[page.index("<time") :]) == "2022-07-08"
    assert stated_date('<meta content="2021-02-03" name="pubdate">') == "2021-02-03"
    assert stated_date('<time datetime="0001-01-01">') is None


def test_a_forum_page_author_is_the_first_posters_user_name_as_written() -> None:
    from lxml.html import fromstring

    from cleaner.page_fields import microdata_author, page_author

    page = fromstring(
        '<html><body><div itemprop="author" itemscope itemtype="https://schema.org/Person">'
        '<span itemprop="name">hayley.p</span></div><p>First post.</p>'
        '<div itemprop="author"><meta itemprop="name" content="bo_99"></div></body></html>'
    )
    assert microdata_author(page) == "hayley.p"
    assert page_author(page, None, "Hayley P", page_type="forum") == "hayley.p"
    assert page_author(page, None, "Hayley P", page_type="article") == "Hayley P"


def test_an_articles_headline_is_its_title_even_where_the_meta_title_differs() -> None:
    head = (
        '<meta property="og:type" content="article">'
        "<title>Health Trends For 2026 - Tastewise</title>"
    )
    body = "<div class='wrap'><h1>Top 10 Health Trends to Watch</h1><p>Text.</p></div>"
    assert page_title(_tree(head, body), "https://x.com/blog/trends", None) == (
        "Top 10 Health Trends to Watch"
    )
    # not an article (a landing page's slogan), or the site's home page: the meta title
    no_type = head.replace("article", "website")
    slogan = page_title(_tree(no_type, body), "https://x.com/trends", "Tastewise")
    assert slogan == "Health Trends For 2026"
    assert page_title(_tree(head, body), "https://x.com/", "Tastewise") == "Health Trends For 2026"


def test_a_headline_in_the_articles_header_counts_but_not_in_navigation() -> None:
    head = "<title>Machine learning, explained | MIT Sloan</title>"
    inside = "<article><header><h1>Machine learning, explained</h1></header><p>Text.</p></article>"
    assert page_title(_tree(head, inside), None, None) == "Machine learning, explained"
    in_menu = "<nav><h1>Machine learning, explained</h1></nav><p>Text.</p>"
    article = '<meta property="og:type" content="article"><title>Other words here</title>'
    assert page_title(_tree(article, in_menu), "https://x.com/a", None) == "Other words here"


def test_the_headline_in_the_articles_own_header_beats_a_search_title() -> None:
    """A `<header>` inside the article (WordPress's "entry-header") is the article's own:
    its headline is the title of an article page whose og:title says it differently."""
    head = (
        '<meta property="og:type" content="article">'
        '<meta property="og:title" content="Budget 2025: what you need to know">'
    )
    body = (
        "<header class='site'><a href='/'>Town Times</a></header><article>"
        "<header class='entry-header'><h1>Council agrees a smaller budget</h1></header>"
        "<p>Text.</p></article>"
    )
    title = page_title(_tree(head, body), "https://towntimes.example/news/budget", None)
    assert title == "Council agrees a smaller budget"


def test_layout_classes_of_the_body_do_not_make_the_headline_furniture() -> None:
    head = '<meta property="og:type" content="article"><title>Another title | Site</title>'
    body = "<div class='has-sidebar content-sidebar-wrap'><h1>The headline</h1></div>"
    tree = parse_page(
        f"<html><head>{head}</head><body class='has-menu sidebar-left'>{body}</body></html>"
    )
    assert tree is not None
    assert page_title(tree, "https://x.com/a", None) == "The headline"


def test_permalink_marks_are_not_part_of_the_headline() -> None:
    body = '<h1>Quickstart<a class="headerlink" href="#quickstart">¶</a></h1>'
    assert page_title(_tree("<title>Quickstart — Flask</title>", body), None, None) == "Quickstart"
    body = '<h1>Install <a href="#install">#</a></h1><h1>C#</h1>'
    tree = _tree("", body)
    from cleaner.page_fields import headings

    assert headings(tree) == ["Install", "C#"]


def test_meta_author_as_written() -> None:
    def author(head: str) -> str | None:
        return page_author(_tree(head, "<p>Text.</p>"), None, "Fallback Name")

    assert author('<meta name="author" content="Dr. Vahid Osman">') == "Dr. Vahid Osman"
    assert author('<meta name="author" content="ggailey777">') == "ggailey777"
    assert author('<meta name="author" content="Kaufman, Jeff T.">') == "Kaufman, Jeff T."
    # a profile's address is not a name: the next tag, then the fallback
    facebook = '<meta property="article:author" content="https://www.facebook.com/x">'
    assert author(facebook) == "Fallback Name"
    assert author(facebook + '<meta name="parsely-author" content="Alexa">') == "Alexa"
    citations = (
        '<meta name="citation_author" content="Ekert, Artur">'
        '<meta name="citation_author" content="Kay, Alastair">'
    )
    assert author(citations) == "Artur Ekert, Alastair Kay"


def test_rel_author_link_outside_comments() -> None:
    body = (
        '<article><h1>T</h1><a rel="author" href="/u/erin">Erin Spain</a></article>'
        '<div class="comments"><a rel="author nofollow" href="/u/x">Commenter</a></div>'
    )
    assert page_author(_tree("", body), None, None) == "Erin Spain"
    comment_only = '<div class="comment-list"><a rel="author" href="/u/x">Commenter</a></div>'
    assert page_author(_tree("", comment_only), None, None) is None


def test_byline_near_the_headline() -> None:
    def author(body: str) -> str | None:
        return page_author(_tree("", body), None, None)

    assert author('<h1>Title</h1><p>By <a href="/p/sofia">Sofia Gonzalez</a></p>') == (
        "Sofia Gonzalez"
    )
    assert author("<h1>Title</h1><div><p>Written by</p><p>Edzel Tabing</p></div>") == (
        "Edzel Tabing"
    )
    assert author("<h1>Title</h1><div>16 December 2025 by <b>Sam O'Brien</b></div>") == (
        "Sam O'Brien"
    )
    two = '<h1>T</h1><p>By <a href="/a">Moses Kim</a> and <a href="/b">Kate Shokurova</a></p>'
    assert author(two) == "Moses Kim and Kate Shokurova"
    # not a byline: a sentence that starts with "By", or no headline to be near
    assert author("<h1>T</h1><p>By then the rain had stopped. We left.</p>") is None
    assert author("<p>By Sofia Gonzalez</p>") is None
    assert (
        author(
            "<h1>Shoes</h1><label>Sort by</label><select><option>x</option></select>"
            "<span>Featured</span>"
        )
        is None
    )


def test_a_bio_after_the_name_is_left_out() -> None:
    for text in (
        "Jane Doe is a senior reporter covering city hall",
        "Jane Doe writes about city hall and local politics",
        "By Jane Doe, who has covered local politics since 2009",
        "Jan Kos ist Redakteur im Ressort Politik",
        "Marie Dupont est journaliste au service politique",
    ):
        assert clean_name(text) in ("Jane Doe", "Jan Kos", "Marie Dupont"), text
    # a headline is not cut into a name
    assert clean_name("What Tutoring is and What Tutoring is not") != "What Tutoring"
    head = '<meta name="author" content="Jane Doe writes about city hall and politics">'
    tree = _tree(head, "<article><h1>Budget agreed</h1><p>Text.</p></article>")
    assert page_author(tree, None, None) == "Jane Doe"


def test_names_with_abbreviations_are_names_sentences_are_not() -> None:
    assert clean_name("Dr. Andrew Huberman") == "Dr. Andrew Huberman"
    assert clean_name("Genevieve Carlton, Ph.D.") == "Genevieve Carlton, Ph.D."
    assert clean_name("Jeff T. Kaufman") == "Jeff T. Kaufman"
    assert clean_name("Jane writes about food. She lives in Paris") is None
    assert clean_name("Contact us! Now") is None


def test_a_person_in_the_byline_before_an_organization_in_json_ld() -> None:
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "author": '
        '{"@type": "Organization", "name": "USA TODAY"}}</script>'
    )
    body = "<h1>Headline</h1><p>By Brian Truitt</p>"
    assert page_author(_tree(head, body), "USA TODAY", None) == "Brian Truitt"
    # with no person named anywhere, the organization is what the page states
    assert page_author(_tree(head, "<h1>Headline</h1>"), "USA TODAY", None) == "USA TODAY"


def test_several_json_ld_authors_as_the_byline_writes_them() -> None:
    head = (
        '<script type="application/ld+json">{"@type": "Article", "author": ['
        '{"name": "Ann Lee"}, {"name": "Bo Chan"}, {"name": "Cy Diaz"}]}</script>'
    )
    byline = "<h1>T</h1><p>By <a>Ann Lee</a>, <a>Bo Chan</a>, and <a>Cy Diaz</a></p>"
    assert page_author(_tree(head, byline), None, None) == "Ann Lee, Bo Chan, and Cy Diaz"
    assert page_author(_tree(head, "<h1>T</h1>"), None, None) == "Ann Lee, Bo Chan and Cy Diaz"


def test_what_follows_a_name_in_a_byline_element_is_left_out() -> None:
    page = _tree("", "<p>Text.</p>")
    for byline, name in (
        ("Keith Barry Senior Autos Reporter", "Keith Barry"),
        ("Tracy Parker, Dietitian", "Tracy Parker, Dietitian"),
        ("Workzone Team• 4 mins read", "Workzone Team"),
        ("Luke Kim December", "Luke Kim"),
        ("Shelby Loos, DVM. Reviewed by Molly Price, DVM", "Shelby Loos, DVM"),
        ("View all posts by Ray Ansari", "Ray Ansari"),
        ('"David Kim"', "David Kim"),
    ):
        assert page_author(page, None, byline) == name
    assert page_author(page, None, "Dec") is None


def test_stated_date_from_the_address_first_then_the_articles_json_ld() -> None:
    from cleaner.page_fields import stated_date, url_date

    assert url_date("https://x.org/2025/12/18/a-post/") == "2025-12-18"
    assert url_date("https://x.org/archive/2025-1-5-notes") == "2025-01-05"
    assert url_date("https://x.org/2025/13/18/x") is None
    assert url_date("https://x.org/post/2025") is None
    # a published time in UTC that is the next day on the publisher's calendar
    page = '<meta property="article:published_time" content="2025-12-19T02:41:41+00:00">'
    assert stated_date(page, None, "https://x.org/2025/12/18/a/") == "2025-12-18"
    # the article's datePublished, not an image's that comes first
    ld = (
        '<script type="application/ld+json">{"@graph": ['
        '{"@type": "ImageObject", "datePublished": "2021-08-12T19:35:44+00:00"},'
        '{"@type": "BlogPosting", "datePublished": "2025-02-22"}]}</script>'
    )
    html = f"<html><head>{ld}</head><body><p>x</p></body></html>"
    tree = parse_page(html)
    assert stated_date(html, tree) == "2025-02-22"
    assert stated_date(html) == "2021-08-12"  # without the tree: the first one written


def test_stated_date_shown_near_the_headline_an_update_last() -> None:
    from cleaner.page_fields import stated_date

    def date(body: str) -> str | None:
        html = f"<html><body>{body}</body></html>"
        return stated_date(html, parse_page(html))

    assert date("<h1>Title</h1><p>By Ann</p><p>March 5, 2024</p>") == "2024-03-05"
    published = "<h1>Title</h1><p>Updated: March 5, 2024</p><p>Published: May 1, 2023</p>"
    assert date(published) == "2023-05-01"
    # an update is the date the page shows when it shows no other
    assert date("<h1>Title</h1><p>Updated: March 5, 2024</p>") == "2024-03-05"
    assert date("<h1>Title</h1><p>In 2024 we sold 3 cars.</p>") is None
    assert date("<p>March 5, 2024</p>") is None  # no headline to be near


def test_stated_date_shown_above_the_headline() -> None:
    from cleaner.page_fields import stated_date

    def date(body: str) -> str | None:
        html = f"<html><body>{body}</body></html>"
        return stated_date(html, parse_page(html))

    above = "<div><div>Published</div><div>October 14, 2025</div></div>"
    assert date(f"<nav>March 1, 2020</nav>{above}<h1>Title</h1><p>Text.</p>") == "2025-10-14"
    # one after the headline comes first
    assert date(f"{above}<h1>Title</h1><p>Nov 2, 2025</p>") == "2025-11-02"
    # too far above is not the headline's
    far = "".join(f"<p>Item {n}</p>" for n in range(6))
    assert date(f"<p>March 1, 2020</p>{far}<h1>Title</h1>") is None


def test_a_date_shown_by_the_headline_before_json_ld_date_published() -> None:
    from cleaner.page_fields import stated_date

    ld = '<script type="application/ld+json">{"@type": "Article", "datePublished": "2024-08-29"}'
    head = f"{ld}</script>"

    def date(body: str) -> str | None:
        html = f"<html><head>{head}</head><body>{body}</body></html>"
        return stated_date(html, parse_page(html))

    assert date("<h1>Title</h1><p>By Ann</p><p>Updated Nov 25, 2025</p>") == "2025-11-25"
    assert date("<h1>Title</h1><p>By Ann</p>") == "2024-08-29"
    # a published-time meta tag still comes first
    meta = '<meta property="article:published_time" content="2023-01-02T08:00:00Z">'
    html = f"<html><head>{meta}{head}</head><body><h1>T</h1><p>Nov 25, 2025</p></body></html>"
    assert stated_date(html, parse_page(html)) == "2023-01-02"


def test_a_forum_threads_starter() -> None:
    def author(head: str, body: str) -> str | None:
        return page_author(_tree(head, body), None, None, page_type="forum")

    posting = (
        '<script type="application/ld+json">{"@type": "DiscussionForumPosting", '
        '"author": {"@type": "Person", "name": "felixen"}}</script>'
    )
    later = '<div itemprop="author"><span itemprop="name">spikeymike</span></div>'
    assert author(posting, later) == "felixen"
    starter = "<h1>Best headphones?</h1><ul><li><span>Thread starter</span> <a>FutureBSD</a></li>"
    assert author("", starter + "</ul>" + later) == "FutureBSD"
    # a quoted reply's author is not the starter's; the post's own attribute is
    quoted = (
        '<aside class="quote" data-username="RndSheep">q</aside>'
        '<div class="question" data-author-username="user3080392">Q</div>'
    )
    assert author("", quoted) == "user3080392"
    # the first post's author element as forum software marks it, not a quoted one's
    posts = (
        '<blockquote><cite><a class="username">quoted</a> wrote:</cite></blockquote>'
        '<dl class="postprofile"><dt><a class="username-coloured">b.scherer</a></dt></dl>'
    )
    assert author("", posts) == "b.scherer"
    assert author("", '<article><h3 class="PostUser-name">antonjw</h3></article>') == "antonjw"


def test_labels_and_placeholders_are_not_names() -> None:
    page = _tree("", "<p>Text.</p>")
    for text in ("Updated", "Researched by", "View more posts", "Registering for free!"):
        assert page_author(page, None, text) is None
    assert page_author(page, None, "page.head.extra.author") is None
    assert page_author(page, None, "Personal finance") is None  # a section, not a name
    assert page_author(page, None, "Rasmus Barslund Founder; Lead Reviewer") == "Rasmus Barslund"
    assert page_author(page, None, "b.scherer") == "b.scherer"


def test_author_from_a_link_to_the_authors_page() -> None:
    # the byline sits above the headline, where no byline search looks
    body = (
        '<nav><a href="/author/editors/">Our editors</a></nav>'
        '<div>By: <a href="https://x.com/blog/author/flowguard-emea">FlowGuard EMEA</a></div>'
        "<h1>Choosing a pipe</h1><p>Text.</p>"
    )
    assert page_author(_tree("", body), None, None) == "FlowGuard EMEA"
    # a person's page link comes before an organization named in JSON-LD
    head = (
        '<script type="application/ld+json">{"@type": "Article", "author": '
        '{"@type": "Organization", "name": "Cleveland Clinic"}}</script>'
    )
    body = '<h1>Meditate</h1><p>Text.</p><a href="/staff/123-holly">Holly Wilgus, E-RYT 200</a>'
    assert page_author(_tree(head, body), "Cleveland Clinic", None) == "Holly Wilgus, E-RYT 200"
    # a link's label is no name; a link in comments is not the page's author
    body = (
        '<h1>T</h1><p>Text.</p><a href="/author/ann">View all posts</a>'
        '<div class="comments"><a href="/author/bob">Bob Stone</a></div>'
    )
    assert page_author(_tree("", body), None, None) is None


def test_names_that_begin_like_a_month_are_names() -> None:
    page = _tree("", "<p>Text.</p>")
    for name in ("Gary Marcus", "Tom May", "Mike Marshall", "Jane Decker", "Rob Mardisalu"):
        assert page_author(page, None, name) == name
    assert page_author(page, None, "Luke Kim December") == "Luke Kim"
    assert page_author(page, None, "Ann Lee May 5, 2024") == "Ann Lee"


def test_byline_names_between_tracking_scripts() -> None:
    head = (
        '<script type="application/ld+json">{"@type": "Article", "author": ['
        '{"name": "Ann Lee"}, {"name": "Bo Chan"}, {"name": "Cy Diaz"}]}</script>'
    )
    script = "<script>function track() { window.dataLayer.push({'event': 'x'}) }</script>"
    byline = (
        f"<h1>T</h1><p>By <strong>{script}<a>Ann Lee</a></strong>, <strong>{script}"
        f"<a>Bo Chan</a></strong>, and <strong>{script}<a>Cy Diaz</a></strong></p>"
    )
    assert page_author(_tree(head, byline), None, None) == "Ann Lee, Bo Chan, and Cy Diaz"


def test_a_papers_citation_authors_as_listed() -> None:
    def author(*names: str) -> str | None:
        metas = "".join(f'<meta name="citation_author" content="{name}">' for name in names)
        return page_author(_tree(metas, "<p>Text.</p>"), None, None)

    assert author("Aditya Mahindru", "Pradeep Patil", "Varun Agrawal") == (
        "Aditya Mahindru, Pradeep Patil, Varun Agrawal"
    )
    # "Family, Given" turned where commas part the names; a single one as written
    assert author("Roy, Aniruddha", "Patel, Jyoti") == "Aniruddha Roy, Jyoti Patel"
    assert author("Kaufman, Jeff T.") == "Kaufman, Jeff T."


def test_json_ld_with_raw_line_breaks_in_its_strings() -> None:
    head = (
        '<script type="application/ld+json">{"@type": "DiscussionForumPosting", '
        '"text": "first line\n\tsecond line", "datePublished": "2024-02-21 13:00:00", '
        '"author": {"@type": "Person", "name": "Need2KnowLion"}}</script>'
    )
    assert page_author(_tree(head, "<p>x</p>"), None, None, page_type="forum") == "Need2KnowLion"


def test_a_page_without_main_text_keeps_its_author_and_date() -> None:
    from cleaner import Cleaner, Config
    from cleaner.readers.text import document_from_bytes

    page = (
        "<html><head><title>Best first telescope?</title>"
        '<meta name="author" content="Ann Lee">'
        '<meta property="article:published_time" content="2025-02-20T10:00:00Z">'
        "</head><body><script>render()</script></body></html>"
    )
    doc = document_from_bytes("p", "p", page.encode(), html=True)
    doc = Cleaner(Config()).clean(doc)
    assert doc.text == ""
    assert doc.metadata["author"] == "Ann Lee"
    assert doc.metadata["date"] == "2025-02-20T00:00:00+00:00"


def test_author_named_in_the_line_that_shows_the_date() -> None:
    def author(body: str) -> str | None:
        return page_author(_tree("", body), None, None)

    line = "<p>Aaron Ricadela | Senior Writer | July 2, 2025</p>"
    assert author(f"<header><h1>AI in Healthcare</h1>{line}</header><p>Text.</p>") == (
        "Aaron Ricadela"
    )
    spans = "<div><span>2025-12-17</span><span>·</span><a><div>Trond Teigen</div></a></div>"
    assert author(f"<h1>Mission accomplished!</h1>{spans}<p>Text.</p>") == "Trond Teigen"
    above = "<div><span>Dec 17, 2025</span><span>Julian K. Arni</span></div>"
    assert author(f"{above}<h1>Attested builds</h1><p>Text.</p>") == "Julian K. Arni"
    # sections, labels and single words are not the author
    section = "<p>Fitzg | Posted in General Discussion on February 24, 2006</p>"
    assert author(f"<h1>Woodworking</h1>{section}") is None
    assert author("<h1>T</h1><p>Mental | 5 min read | March 3, 2024</p>") is None
    assert author("<h1>T</h1><p>Reading Time · March 3, 2024</p>") is None


def test_a_byline_that_says_more_than_the_metadata() -> None:
    def author(meta: str, byline: str) -> str | None:
        head = f'<meta name="author" content="{meta}">'
        return page_author(_tree(head, f"<h1>T</h1><p>{byline}</p><p>Text.</p>"), None, None)

    # all the names where the metadata gives the first
    byline = "By Dr Marna van der Merwe, Dr Dieter Veldsman, Erik van Vulpen"
    assert author("Marna van der Merwe", byline) == byline.removeprefix("By ")
    # a person's name where the metadata gives a login
    assert author("kffnirmitap", "By Nirmita Panchal") == "Nirmita Panchal"
    # a name as the metadata writes it stays; a section after the name is no name
    assert author("Stefan", "By Automateed Team") == "Stefan"
    assert author("Natalia Keogan", "By Natalia Keogan in Festivals & Events") == "Natalia Keogan"


def test_author_after_a_written_by_label_anywhere() -> None:
    box = "<div class='author-box'><p>Written by John Crenshaw</p><p>John writes.</p></div>"
    body = f"<h1>Cheap SEO</h1>{'<p>Text.</p>' * 50}{box}"
    assert page_author(_tree("", body), None, None) == "John Crenshaw"
    split = "<h2>Article by</h2><div>Matias Heikkilä</div>"
    assert page_author(_tree("", f"<h1>T</h1>{'<p>x</p>' * 50}{split}"), None, None) == (
        "Matias Heikkilä"
    )
    # not in comments, not in the page's furniture
    comments = "<div class='comments'><p>Posted by Bob Stone</p></div>"
    footer = "<footer><p>Written by Ann Lee</p></footer>"
    assert (
        page_author(_tree("", f"<h1>T</h1>{'<p>x</p>' * 50}{comments}{footer}"), None, None) is None
    )


def test_an_author_page_links_text_parts_and_labels() -> None:
    def author(link: str) -> str | None:
        return page_author(_tree("", f"<h1>T</h1><p>Text.</p>{link}"), None, None)

    assert author(
        '<a href="/author/harry"><b>Harry Rabinowitz</b><span>Tech Reporter</span></a>'
    ) == ("Harry Rabinowitz")
    assert author('<a href="/authors/juliette">Articles by Juliette</a>') == "Juliette"
    assert author('<a href="/author/paramita">Learn More</a>') is None


def test_several_json_ld_authors_as_the_author_meta_tag_writes_them() -> None:
    head = (
        '<meta name="author" content="Ann Lee, Bo Chan, Cy Diaz">'
        '<script type="application/ld+json">{"@type": "Article", "author": ['
        '{"name": "Ann Lee"}, {"name": "Bo Chan"}, {"name": "Cy Diaz"}]}</script>'
    )
    assert page_author(_tree(head, "<h1>T</h1><p>x</p>"), None, None) == "Ann Lee, Bo Chan, Cy Diaz"


def test_an_organization_is_not_cut_into_names_by_the_fallback() -> None:
    head = (
        '<script type="application/ld+json">{"@type": "Article", "author": {"@type": '
        '"Organization", "name": "Center for Drug Evaluation and Research"}}</script>'
    )
    tree = _tree(head, "<h1>T</h1><p>x</p>")
    org = "Center for Drug Evaluation and Research"
    assert page_author(tree, None, "Center; Research") == org
    assert page_author(tree, None, "Jane Doe") == "Jane Doe"


def test_a_forum_starter_as_other_forum_software_marks_it() -> None:
    def author(body: str) -> str | None:
        return page_author(_tree("", body), None, "Trafilatura Guess", page_type="forum")

    # Simple Machines: "Started by NAME, DATE" above the posts
    smf = "<h2>AI in forums?</h2><p>Started by Biology Forums, June 04, 2024, 11:23 AM</p>"
    assert author(smf) == "Biology Forums"
    # MyBB: the name, not the rank and post count the same block holds
    mybb = (
        '<div class="author_information"><strong><a><span>StarredSkies</span></a></strong>'
        "<span>Big Board Owner</span><span>Posts</span></div>"
    )
    assert author(mybb) == "StarredSkies"
    # FluxBB's post column and the microformats author
    assert author('<div class="postleft"><dl><dt><strong>chunix64</strong></dt></dl></div>') == (
        "chunix64"
    )
    assert author('<div class="byline"><a class="u-author h-card">scvalex</a></div>') == "scvalex"
    # the thread starter a meta tag names ("og:author", a vBulletin skin's), before the
    # replies' microdata authors
    replies = (
        '<div itemscope itemtype="http://schema.org/Comment">'
        '<img alt="Profile picture of the author spartan14">'
        '<span itemprop="author"><span itemprop="name">spartan14</span></span></div>'
    )
    tree = _tree('<meta property="og:author" content="Shancock">', replies)
    assert page_author(tree, None, None, page_type="forum") == "Shancock"
    assert page_author(_tree("", replies), None, None, page_type="forum") == "spartan14"


def test_a_publication_after_the_bylines_names_is_left_out() -> None:
    head = (
        '<meta property="og:site_name" content="The Commercial Appeal">'
        '<script type="application/ld+json">{"@type": "NewsArticle", "author": {"@type": '
        '"Person", "name": "Manoj Jain and Jagpreet Chhatwal, The Commercial Appeal"}}</script>'
    )
    tree = _tree(head, "<h1>T</h1><p>Text.</p>")
    assert page_author(tree, "The Commercial Appeal", None) == "Manoj Jain and Jagpreet Chhatwal"
    # a credential after the comma is part of the name
    head = '<meta name="author" content="Vanessa Mendez, MD">'
    assert page_author(_tree(head, "<p>x</p>"), "Parkview", None) == "Vanessa Mendez, MD"


def test_names_in_a_bylines_list_items_stay_apart() -> None:
    byline = (
        "<h1>Solar guide</h1><span>Written by: <ul><li><a>Emily Walker</a></li>"
        "<li><a>Casey McDevitt</a></li></ul></span>"
    )
    assert page_author(_tree("", byline), None, None) == "Emily Walker, Casey McDevitt"


def test_a_name_then_its_section_in_the_dateline() -> None:
    line = (
        "<p>Dec 26, 2025 <span>•</span> Mahua Das in <a href='/blog/pm'>Project Management</a></p>"
    )
    assert page_author(_tree("", f"<h1>Pricing guide</h1>{line}"), None, None) == "Mahua Das"
    # the section a dateline links to is not its author
    category = (
        "<div><a class='category' href='/blog/category/mental-health'>Mental Health</a>"
        "<span>DECEMBER 22, 2022</span></div>"
    )
    assert page_author(_tree("", f"{category}<h1>Meditation</h1><p>x</p>"), None, None) is None


def test_a_sentence_that_says_who_wrote_the_post() -> None:
    def author(note: str) -> str | None:
        return page_author(_tree("", f"<h1>T</h1>{'<p>Text.</p>' * 50}{note}"), None, None)

    linked = (
        "<p><em>This post was written by <a href='/p/2838'>Vanessa Mendez, MD</a>, "
        "gastroenterologist, Parkview Health.</em></p>"
    )
    assert author(linked) == "Vanessa Mendez, MD"
    plain = "<div>This post was written by Danielle Padula, Head of Marketing</div>"
    assert author(plain) == "Danielle Padula"


def test_the_name_an_author_box_starts_with() -> None:
    box = (
        "<div class='blog_author-box'><div class='text-size-small'>Lauren Vetter</div>"
        "<p>Lauren Vetter is a growth-focused marketing professional.</p></div>"
    )
    body = f"<h1>SEO tips</h1><p>Text.</p>{box}"
    assert page_author(_tree("", body), None, None) == "Lauren Vetter"
    # not on a page of cards or reviews, not in a review
    assert page_author(_tree("", body), None, None, page_type="product") is None
    review = "<div class='review-card'><div class='review-card_author'>Laura Brown</div></div>"
    assert page_author(_tree("", f"<h1>Shop wallets</h1>{review}"), None, None) is None


def test_an_unfilled_template_key_is_no_author_but_a_login_with_dots_is() -> None:
    from cleaner.page_fields import is_placeholder, scan

    tree = _tree('<meta name="author" content="page.head.extra.author">', "<p>x</p>")
    assert is_placeholder(scan(tree), "Page Head Extra Author")
    assert not is_placeholder(scan(tree), "Tim Enwall")
    login = _tree('<meta name="author" content="sara.r.peter">', "<p>x</p>")
    assert page_author(login, None, "Sara R Peter") == "sara.r.peter"


def test_a_byline_under_a_headline_set_as_a_lower_heading() -> None:
    head = "<title>Homestead gardening makes rural communities more self-reliant</title>"
    body = (
        "<h4>Homestead gardening makes rural communities more self-reliant</h4>"
        "<p>By <strong>Md Aynal Haque</strong></p><p>RAJSHAHI, Dec 20 - Text.</p>"
    )
    assert page_author(_tree(head, body), None, None) == "Md Aynal Haque"
    # a short heading that names the site, not a headline
    site = "<title>Netflix TechBlog</title>"
    assert (
        page_author(_tree(site, "<h2>Netflix TechBlog</h2><p>By Ann Lee</p>"), None, None) is None
    )


def test_labels_and_link_texts_from_the_fallback_are_not_names() -> None:
    page = _tree("", "<p>Text.</p>")
    for text in ("Name", "Sign In", "undefined", "Category", "--Reset-Author", "Authorized Dealer"):
        assert page_author(page, None, text) is None


def test_an_unfilled_author_meta_tag_gives_way_to_the_byline_search() -> None:
    from cleaner import Cleaner, Config
    from cleaner.readers.text import document_from_bytes

    page = (
        '<html><head><meta name="author" content="page.head.extra.author"></head><body>'
        '<h1>Startup lessons</h1><div class="blog-meta"><span class="blog-meta-author">'
        "Tim Enwall</span></div>"
        + "<p>A paragraph of the post about startups.</p>" * 5
        + "</body></html>"
    )
    doc = Cleaner(Config()).clean(document_from_bytes("p", "p", page.encode(), html=True))
    assert doc.metadata["author"] == "Tim Enwall"
