"""Reading CSV files as Excel and WPS save them: encodings, blank rows, line numbers, refusals."""

import pytest

from college.bulk.csvfiles import FileRefused, read_table, write_table

TEXT = "site,name,seats\r\nS01,书画室,30\r\n,,\r\nS02,\"活动室, 二楼\",20\r\n"


@pytest.mark.parametrize("encoding, expected", [
    ("utf-8-sig", "utf-8"), ("utf-8", "utf-8"), ("gb18030", "gb18030")])
def test_reads_utf8_with_and_without_bom_and_gb18030_alike(encoding, expected):
    table = read_table(TEXT.encode(encoding))
    assert table.encoding == expected
    assert table.header == ["site", "name", "seats"]
    # The blank row (line 3) is skipped but still counted, as a spreadsheet numbers its rows.
    assert table.rows == [(2, ["S01", "书画室", "30"]), (4, ["S02", "活动室, 二楼", "20"])]


def test_header_is_trimmed_and_lower_cased():
    table = read_table(b" Site , NAME,seats \nS01,a,1\n")
    assert table.header == ["site", "name", "seats"]


def test_a_quoted_cell_over_two_lines_is_one_record():
    table = read_table('code,description\nK1,"一行\n两行"\nK2,x\n'.encode())
    assert table.rows == [(2, ["K1", "一行\n两行"]), (3, ["K2", "x"])]


def _refusal(data: bytes, **limits) -> str:
    with pytest.raises(FileRefused) as caught:
        read_table(data, **limits)
    return str(caught.value.message)


@pytest.mark.usefixtures("app")
@pytest.mark.parametrize("data, words", [
    (b"PK\x03\x04\x14\x00\x06\x00", "Excel"),                              # .xlsx
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Excel"),                         # .xls
    ("site,name\nS01,甲\n".encode("utf-16"), "UTF-16"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "文本"),                       # a picture
    (b"site,name\nS01,\xff\xfe\x80\n", "GB18030"),                         # neither encoding
    (b"", "空"),
    (b"\r\n \r\n", "空"),
])
def test_refuses_files_that_are_not_csv_text_with_a_reason(data, words):
    assert words in _refusal(data)


@pytest.mark.usefixtures("app")
def test_bad_quoting_is_refused_with_its_line_number():
    message = _refusal(b'site,name,seats\nS01,a,1\nS02,"b"c,2\n')
    assert "3" in message and "引号" in message
    assert "4" in _refusal(b'site,name,seats\nS01,a,1\nS02,b,2\nS03,"never closed,3\n')


@pytest.mark.usefixtures("app")
def test_too_many_rows_or_bytes_are_refused():
    data = ("site,name,seats\n" + "".join(f"S01,r{i},1\n" for i in range(11))).encode()
    assert len(read_table(data, max_rows=11).rows) == 11
    assert "10" in _refusal(data, max_rows=10)
    assert "MB" in _refusal(b"x" * (1024 * 1024 + 1), max_bytes=1024 * 1024)


def test_written_files_have_a_bom_and_crlf_and_read_back_the_same():
    data = write_table(["code", "name"], [["S01", "甲, 乙"], ["S02", 'say "hi"\nbye']])
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    table = read_table(data)
    assert table.rows == [(2, ["S01", "甲, 乙"]), (3, ["S02", 'say "hi"\nbye'])]
