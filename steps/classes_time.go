package steps

import (
	"fmt"
	"time"
)

// offsetLayout writes a start-time in the spec's form with a ±HH:MM offset
// (never Z), so that the offset the step chose is visible.
const offsetLayout = "2006-01-02T15:04:05-07:00"

func (st *scenario) registerStartTimeClassSteps(sc stepRegistry) {
	sc.Step(`^the call's start-time is midnight today at an offset east of UTC, which is still yesterday in UTC$`, st.todayEast)
	sc.Step(`^the call's start-time is the last second of yesterday at an offset west of UTC, which is already today in UTC$`, st.yesterdayWest)
	sc.Step(`^the call's start-time is on (February|April) (\d{1,2}) of the next (leap year|common year|year)$`, st.onDate)
	sc.Step(`^the call's start-time is tomorrow at (\d{2}:\d{2}:\d{2})$`, st.tomorrowAt)
}

// The spec judges a start-time's date in the start-time's own offset
// (section 2 [doc]). These two steps pick an offset in which that date and
// the date in UTC differ, so that a server judging in UTC answers wrongly:
// today's midnight east of UTC is an instant of yesterday's UTC date, and
// yesterday's last second west of UTC is an instant of today's UTC date.
// The offset is half the room the UTC time of day leaves (at most +14:00,
// -12:00, whole minutes); in the two minutes around UTC midnight there is
// no such offset and the step uses +00:00, which still tests the rule.

// sinceUTCMidnight is how far the harness's clock is into the UTC day.
func (st *scenario) sinceUTCMidnight() (time.Time, time.Duration) {
	now := st.s.now().UTC()
	midnight := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	return now, now.Sub(midnight)
}

func wholeMinutes(d, most time.Duration) time.Duration {
	d = min(d, most).Truncate(time.Minute)
	if d < time.Minute {
		return 0
	}
	return d
}

func (st *scenario) todayEast() error {
	now, since := st.sinceUTCMidnight()
	off := wholeMinutes((24*time.Hour-since)/2, 14*time.Hour)
	loc := time.FixedZone("", int(off/time.Second))
	local := now.In(loc)
	midnight := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc)
	return st.setInPayload("calls.0.start-time", midnight.Format(offsetLayout))
}

func (st *scenario) yesterdayWest() error {
	now, since := st.sinceUTCMidnight()
	off := wholeMinutes(since/2, 12*time.Hour)
	loc := time.FixedZone("", -int(off/time.Second))
	local := now.In(loc)
	last := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc).Add(-time.Second)
	return st.setInPayload("calls.0.start-time", last.Format(offsetLayout))
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// onDate writes 10:00 IST on a month and day of a future year, whether or
// not that date exists: the calendar classes of section 2.
func (st *scenario) onDate(month string, day int, which string) error {
	y := st.s.now().In(ist).Year() + 1
	for (which == "leap year" && !isLeap(y)) || (which == "common year" && isLeap(y)) {
		y++
	}
	m := 2
	if month == "April" {
		m = 4
	}
	v := fmt.Sprintf("%04d-%02d-%02dT10:00:00+05:30", y, m, day)
	return st.setInPayload("calls.0.start-time", v)
}

// tomorrowAt writes tomorrow's date (IST) at a time of day given as text,
// which need not exist (24:00:00).
func (st *scenario) tomorrowAt(clock string) error {
	d := st.s.now().In(ist).AddDate(0, 0, 1)
	v := d.Format("2006-01-02") + "T" + clock + "+05:30"
	return st.setInPayload("calls.0.start-time", v)
}
