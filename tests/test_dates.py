"""Partial dates: parsing, precision, periods, and every way a date can be wrong."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pressfree import dates
from pressfree.errors import InvalidValue


@pytest.mark.parametrize(
    "text, first, last, precision",
    [
        ("2021-07-30", date(2021, 7, 30), date(2021, 7, 30), "day"),
        ("2021-07", date(2021, 7, 1), date(2021, 7, 31), "month"),
        ("2021-02", date(2021, 2, 1), date(2021, 2, 28), "month"),
        ("2020-02", date(2020, 2, 1), date(2020, 2, 29), "month"),
        ("2021", date(2021, 1, 1), date(2021, 12, 31), "year"),
        ("2021-07-26..2021-07-30", date(2021, 7, 26), date(2021, 7, 30), "range"),
        ("2021-06..2021-07-30", date(2021, 6, 1), date(2021, 7, 30), "range"),
        ("2021-07-30..2021-07-30", date(2021, 7, 30), date(2021, 7, 30), "day"),
        (" 2021-7-3 ", date(2021, 7, 3), date(2021, 7, 3), "day"),
    ],
)
def test_parse(text, first, last, precision):
    value = dates.parse(text)
    assert (value.first, value.last, value.precision) == (first, last, precision)


JULY_30 = (date(2021, 7, 30), date(2021, 7, 30), "day")
JULY = (date(2021, 7, 1), date(2021, 7, 31), "month")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("30.07.2021", JULY_30),  # as written in Belarus and Russia: the day first
        ("30/07/2021", JULY_30),  # only one reading is a date
        ("07/30/2021", JULY_30),
        ("30 July 2021", JULY_30),
        ("July 30, 2021", JULY_30),
        ("30 Jul 2021", JULY_30),
        ("30 ліпеня 2021", JULY_30),
        ("30 ліпеня 2021 г.", JULY_30),
        ("30 июля 2021 года", JULY_30),
        ("30 липня 2021 р.", JULY_30),
        ("ліпень 2021", JULY),
        ("Июль 2021", JULY),
        ("07.2021", JULY),
        ("3.7.2021", (date(2021, 7, 3), date(2021, 7, 3), "day")),
        ("1 мая 2021", (date(2021, 5, 1), date(2021, 5, 1), "day")),
        ("26.07.2021..30 ліпеня 2021", (date(2021, 7, 26), date(2021, 7, 30), "range")),
    ],
)
def test_dates_as_people_write_them(text, expected):
    value = dates.parse(text)
    assert (value.first, value.last, value.precision) == expected


@pytest.mark.parametrize(
    "text, message",
    [
        ("2021-13-01", "date: '2021-13-01' is not a real date"),
        ("2021-02-30", "date: '2021-02-30' is not a real date"),
        ("2021-13", "date: '2021-13' is not a real date"),
        ("03/07/2021", "date: '03/07/2021' could be 2021-07-03 or 2021-03-07: write one of them"),
        ("31.06.2021", "date: '31.06.2021' is not a real date"),
        ("30 Foo 2021", f"date: '30 Foo 2021' is not a date (use {dates.FORMS})"),
        ("30 July 30 2021", f"date: '30 July 30 2021' is not a date (use {dates.FORMS})"),
        (
            "yesterday",
            f"date: 'yesterday' is not a date (use {dates.FORMS})",
        ),
        (
            "",
            f"date: '' is not a date (use {dates.FORMS})",
        ),
        # digits as tallies take them: 0 to 9 (ISO 8601's, and what every output shows)
        (
            "٢٠٢١-٠٧-٠١",
            f"date: '٢٠٢١-٠٧-٠١' is not a date (use {dates.FORMS})",
        ),
        (
            "２０２１",
            f"date: '２０２１' is not a date (use {dates.FORMS})",
        ),
        ("2021-07-30..2021-07-26", "date: '2021-07-30..2021-07-26' ends before it starts"),
    ],
)
def test_bad_dates_name_the_field_and_value(text, message):
    with pytest.raises(InvalidValue) as error:
        dates.parse(text)
    assert str(error.value) == message


def test_previous_period_has_the_same_length():
    assert str(dates.parse("2021-07").previous()) == "2021-06"
    assert str(dates.parse("2021-01").previous()) == "2020-12"
    assert str(dates.parse("2021").previous()) == "2020"
    assert str(dates.parse("2021-07-26..2021-07-30").previous()) == "2021-07-21..2021-07-25"
    assert str(dates.parse("2021-07-30").previous()) == "2021-07-29"


def test_period_options():
    assert str(dates.period(month_text="2021-07")) == "2021-07"
    assert str(dates.period(year_text="2019")) == "2019"
    assert str(dates.period(start="2021-07", end="2021-08")) == "2021-07-01..2021-08-31"
    assert dates.period() is None
    with pytest.raises(InvalidValue, match="--month: '2021' must be a month"):
        dates.period(month_text="2021")
    with pytest.raises(InvalidValue, match="cannot be combined"):
        dates.period(month_text="2021-07", year_text="2021")
    with pytest.raises(InvalidValue, match="--to: '2021-06' ends before --from 2021-07"):
        dates.period(start="2021-07", end="2021-06")


@given(
    st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31)),
    st.integers(min_value=0, max_value=400),
)
def test_any_range_survives_a_round_trip_through_text(start, length):
    end = date.fromordinal(min(start.toordinal() + length, date(9999, 12, 31).toordinal()))
    value = dates.parse(f"{start.isoformat()}..{end.isoformat()}")
    assert dates.parse(str(value)) == value
    assert value.first == start and value.last == end
