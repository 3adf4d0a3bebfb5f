/**
 * The pages' script, served as /assets/signup.js: progressive enhancement
 * only (every form works without it). It counts down the code's remaining
 * time and the resend cooldown from the seconds the server rendered (so a
 * wrong clock on the device does not matter), shows times in the device's
 * time zone, announces a deadline once when it passes, moves focus to the
 * error summary and keeps the code field to digits.
 */
export const SIGNUP_JS = String.raw`(function () {
  'use strict';
  var plural = function (n, unit) { return n + ' ' + unit + (n === 1 ? '' : 's'); };
  var format = function (seconds) {
    if (seconds < 60) return plural(seconds, 'second');
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    return plural(minutes, 'minute') + (rest ? ' ' + plural(rest, 'second') : '');
  };
  var announcer = document.getElementById('announcer');
  var started = Date.now();
  var timers = Array.prototype.slice.call(document.querySelectorAll('[data-seconds-left]'));
  var tick = function () {
    var elapsed = (Date.now() - started) / 1000;
    timers = timers.filter(function (timer) {
      var left = Math.ceil(Number(timer.getAttribute('data-seconds-left')) - elapsed);
      if (left > 0) {
        var countdown = timer.querySelector('.countdown');
        if (countdown) countdown.textContent = format(left);
        return true;
      }
      var passed = timer.getAttribute('data-when-passed') || '';
      timer.textContent = passed;
      if (announcer && passed) announcer.textContent = passed;
      return false;
    });
    if (timers.length === 0) clearInterval(interval);
  };
  var interval = setInterval(tick, 1000);
  tick();

  Array.prototype.forEach.call(document.querySelectorAll('time[data-local]'), function (time) {
    var at = new Date(time.getAttribute('datetime'));
    if (!isNaN(at.getTime())) time.textContent = at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  });

  var summary = document.getElementById('error-summary');
  if (summary) summary.focus();

  var code = document.getElementById('code');
  if (code) code.addEventListener('input', function () {
    var digits = code.value.replace(/[^0-9]/g, '').slice(0, 4);
    if (digits !== code.value) code.value = digits;
  });
})();
`;
