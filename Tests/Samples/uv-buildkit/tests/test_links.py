import pytest

from signed_links.links import open_link, sign


def test_a_signed_link_opens_its_path():
    assert open_link(sign("/reports/7")) == "/reports/7"


def test_a_forged_token_opens_nothing():
    token = sign("/reports/7")
    assert open_link(token[:-2] + "xx") is None


def test_an_expired_token_opens_nothing():
    assert open_link(sign("/reports/7"), max_age=-1) is None


def test_only_absolute_paths_are_signed():
    with pytest.raises(ValueError):
        sign("reports/7")
