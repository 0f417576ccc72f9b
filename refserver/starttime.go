package refserver

import (
	"strconv"
	"strings"
	"time"
)

// ist is the offset of Phonon's samples, the one the assume-ist-offset
// fault supplies.
const istOffset = "+05:30"

// parseStartTime reads a start-time of the exact form of spec section 2
// [ref], YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM), on a date and at a time
// that exist. The start-time faults each loosen or tighten one part.
func (s *Server) parseStartTime(v string) (time.Time, bool) {
	if s.fault.is(faultTimeLettersAnyCase) {
		v = strings.ToUpper(v)
	}
	if s.fault.is(faultAssumeOffset) && startTimePattern.MatchString(v+istOffset) {
		v += istOffset
	}
	m := startTimePattern.FindStringSubmatch(v) // m[1] the fraction, m[2] the zone
	if m == nil {
		return time.Time{}, false
	}
	if s.fault.is(faultMillisOnly) && m[1] != "" && len(m[1]) != len(".000") {
		return time.Time{}, false
	}
	if s.fault.is(faultImpossibleDate) || s.fault.is(faultEndOfDay24) {
		return s.parseLenient(v)
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, false
	}
	// time.Parse takes an offset of +24:00, and +05:60 as +06:00; the
	// offset's HH and MM are an hour and a minute like any other [ref].
	if oh, om, ok := offsetFields(m[2]); !ok || ((oh > 23 || om > 59) && !s.fault.is(faultOffsetOutOfRange)) {
		return time.Time{}, false
	}
	if s.fault.is(faultNoLeapDay) && t.Month() == time.February && t.Day() == 29 {
		return time.Time{}, false
	}
	return t, true
}

// parseLenient is a hand-written parser that checks each field's range but
// not the calendar, and lets time.Date normalise what it is given:
// February 30 becomes March 2 (normalise-impossible-dates), or 24:00:00
// the next day's midnight (accept-24-00). Each fault loosens only its own
// check.
func (s *Server) parseLenient(v string) (time.Time, bool) {
	num := func(from, to int) int { n, _ := strconv.Atoi(v[from:to]); return n }
	year, month, day := num(0, 4), num(5, 7), num(8, 10)
	hour, minute, second := num(11, 13), num(14, 16), num(17, 19)
	maxDay := 31
	if !s.fault.is(faultImpossibleDate) && month >= 1 && month <= 12 {
		maxDay = time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
	}
	maxHour := 23
	if s.fault.is(faultEndOfDay24) && minute == 0 && second == 0 {
		maxHour = 24
	}
	if month < 1 || month > 12 || day < 1 || day > maxDay || hour > maxHour || minute > 59 || second > 59 {
		return time.Time{}, false
	}
	loc := time.UTC
	if zone := v[strings.LastIndexAny(v, "Z+-"):]; zone != "Z" {
		h, m, ok := offsetFields(zone)
		if !ok || h > 23 || m > 59 {
			return time.Time{}, false
		}
		secs := h*3600 + m*60
		if zone[0] == '-' {
			secs = -secs
		}
		loc = time.FixedZone("", secs)
	}
	return time.Date(year, time.Month(month), day, hour, minute, second, 0, loc), true
}

// offsetFields reads the hours and minutes of "Z" or "±HH:MM".
func offsetFields(zone string) (hours, minutes int, ok bool) {
	if zone == "Z" {
		return 0, 0, true
	}
	if len(zone) != len("+00:00") {
		return 0, 0, false
	}
	h, err1 := strconv.Atoi(zone[1:3])
	m, err2 := strconv.Atoi(zone[4:6])
	return h, m, err1 == nil && err2 == nil
}
