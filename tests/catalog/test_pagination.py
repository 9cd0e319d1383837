from catalog.pagination import Page, clamp_page


def test_page_numbers_show_first_last_and_neighbours_with_gaps():
    page = Page(items=[], total=200, page=6, per_page=10)
    assert page.pages == 20
    assert page.numbers() == [1, None, 4, 5, 6, 7, 8, None, 20]
    assert Page(items=[], total=0, page=1, per_page=10).numbers() == [1]


def test_odd_page_input_becomes_a_valid_page():
    assert [clamp_page(v) for v in (None, "", "x", "-3", "0", "2", "9" * 50)] == \
        [1, 1, 1, 1, 1, 2, 100_000]
