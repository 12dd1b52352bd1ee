-- key_dates: the recurring days the calendar knows (ngày kỷ niệm, ngày
-- truyền thống), each on day/month every year. unit_id NULL marks a
-- national date, shown to every unit and edited by the system
-- administrator; a local date (a province's or a school's founding day)
-- belongs to its unit, shows in the unit's subtree while the unit exists,
-- and is edited by the unit's administrators and emulation officers.
-- since_year is the year of the event remembered ("kỷ niệm 44 năm"), NULL
-- when none applies. public dates may appear in the public ICS.
CREATE TABLE key_dates (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id    INTEGER REFERENCES units(id),
    month      INTEGER NOT NULL,
    day        INTEGER NOT NULL,
    since_year INTEGER,
    name       TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    public     BOOLEAN NOT NULL DEFAULT TRUE,
    created_by INTEGER,
    version    INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX key_dates_unit ON key_dates(unit_id);

-- calendar_feeds: one secret ICS link per user and unit, for calendar apps
-- to subscribe to. Only the sha256 of the token is stored; the feed shows
-- what its owner may see at the time it is read.
CREATE TABLE calendar_feeds (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMP NOT NULL,
    renewed_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP
);
CREATE UNIQUE INDEX calendar_feeds_owner ON calendar_feeds(user_id, unit_id);

-- The national key dates (DESIGN.md section 2).
INSERT INTO key_dates (unit_id, month, day, since_year, name, note, public, created_at, updated_at) VALUES
 (NULL, 3, 26, 1931, 'Ngày thành lập Đoàn Thanh niên Cộng sản Hồ Chí Minh',
  'Ngày 26/3/1931, Hội nghị lần thứ hai Ban Chấp hành Trung ương Đảng quyết định thành lập Đoàn Thanh niên Cộng sản Đông Dương, nay là Đoàn Thanh niên Cộng sản Hồ Chí Minh.', TRUE, '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
 (NULL, 5, 15, 1941, 'Ngày thành lập Đội Thiếu niên Tiền phong Hồ Chí Minh',
  'Ngày 15/5/1941, Đội Nhi đồng Cứu vong, nay là Đội Thiếu niên Tiền phong Hồ Chí Minh, được thành lập tại Cao Bằng.', TRUE, '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
 (NULL, 5, 19, 1890, 'Ngày sinh Chủ tịch Hồ Chí Minh',
  'Chủ tịch Hồ Chí Minh sinh ngày 19/5/1890 tại xã Kim Liên, huyện Nam Đàn, tỉnh Nghệ An.', TRUE, '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
 (NULL, 6, 11, 1948, 'Ngày truyền thống thi đua yêu nước',
  'Ngày Chủ tịch Hồ Chí Minh ra Lời kêu gọi thi đua ái quốc (11/6/1948).', TRUE, '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
 (NULL, 9, 2, 1945, 'Ngày Quốc khánh nước Cộng hòa xã hội chủ nghĩa Việt Nam',
  'Ngày 02/9/1945, Chủ tịch Hồ Chí Minh đọc Tuyên ngôn Độc lập, khai sinh nước Việt Nam Dân chủ Cộng hòa.', TRUE, '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
 (NULL, 9, 5, NULL, 'Ngày khai giảng năm học mới',
  'Ngày toàn dân đưa trẻ đến trường; truyền thống của ngành Giáo dục từ ngày khai trường đầu tiên của nước Việt Nam Dân chủ Cộng hòa (tháng 9 năm 1945).', TRUE, '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
 (NULL, 11, 20, 1982, 'Ngày Nhà giáo Việt Nam',
  'Ngày tôn vinh các thầy giáo, cô giáo; ngày 20/11 trở thành Ngày Nhà giáo Việt Nam từ năm 1982.', TRUE, '2026-01-01 00:00:00', '2026-01-01 00:00:00');
