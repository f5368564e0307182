/* guidebook default theme: theme toggle, copy buttons, sidebar, page outline, search. */
(() => {
  "use strict";
  const doc = document, html = doc.documentElement, root = html.dataset.root || "";
  const $ = (s, c) => (c || doc).querySelector(s), $$ = (s, c) => [...(c || doc).querySelectorAll(s)];
  const esc = (s) => String(s).replace(/[&<>"]/g, (c) => "&#" + c.charCodeAt(0) + ";");
  const typing = (el) => el && (el.isContentEditable || /^(TEXTAREA|SELECT)$/.test(el.tagName) ||
    (el.tagName === "INPUT" && !/^(checkbox|radio|button|submit|reset)$/.test(el.type)));

  /* Theme: light -> dark -> auto, remembered in localStorage. */
  const KEY = "guidebook-theme", NEXT = { light: "dark", dark: "auto", auto: "light" };
  const media = window.matchMedia && matchMedia("(prefers-color-scheme: dark)");
  const themeBtn = $("#theme-toggle");
  const choice = () => (NEXT[html.dataset.themeChoice] ? html.dataset.themeChoice : "auto");
  const applyTheme = (c, save) => {
    if (!NEXT[c]) c = "auto";
    html.dataset.themeChoice = c;
    html.dataset.theme = c === "auto" ? (media && media.matches ? "dark" : "light") : c;
    if (themeBtn) {
      themeBtn.dataset.themeChoice = c;
      themeBtn.title = "Color theme: " + c + " (switch to " + NEXT[c] + ")";
      themeBtn.setAttribute("aria-label", themeBtn.title);
    }
    if (save) try { localStorage.setItem(KEY, c); } catch (e) { /* storage unavailable */ }
  };
  applyTheme(choice());
  if (themeBtn) themeBtn.addEventListener("click", () => applyTheme(NEXT[choice()], true));
  if (media && media.addEventListener) media.addEventListener("change", () => applyTheme(choice()));
  addEventListener("beforeprint", () => { html.dataset.theme = "light"; });
  addEventListener("afterprint", () => applyTheme(choice()));

  /* Copy buttons. Console blocks copy their commands only, without prompts;
   * other blocks their shown lines, without the hidden (.boring) ones. */
  const codeText = (block) => {
    const cmds = $$(".cmd", block);
    if (!cmds.length) {
      const pre = ($("pre", block) || block).cloneNode(true);
      $$(".boring", pre).forEach((b) => b.remove());
      return pre.textContent.replace(/\n$/, "");
    }
    return cmds.map((cmd) => {
      const c = cmd.cloneNode(true);
      $$(".prompt", c).forEach((p) => p.remove());
      return c.textContent.replace(/[\r\n]+$/, "");
    }).join("\n");
  };
  const fallbackCopy = (text) => {
    const focused = doc.activeElement, ta = doc.body.appendChild(doc.createElement("textarea"));
    ta.value = text;
    ta.setAttribute("readonly", "");
    ta.style.cssText = "position:fixed;top:0;left:0;opacity:0";
    ta.select();
    let ok = false;
    try { ok = doc.execCommand("copy"); } catch (e) { /* unsupported */ }
    ta.remove();
    if (focused) focused.focus();
    return ok ? Promise.resolve() : Promise.reject(new Error("copy failed"));
  };
  const copyText = (text) => (navigator.clipboard && navigator.clipboard.writeText
    ? navigator.clipboard.writeText(text).catch(() => fallbackCopy(text)) : fallbackCopy(text));

  $$(".codeblock").forEach((block) => {
    const label = $(".cmd", block) ? "Copy commands" : "Copy code";
    const btn = doc.createElement("button");
    btn.type = "button";
    btn.className = "copy";
    btn.title = label;
    btn.setAttribute("aria-label", label);
    btn.innerHTML = '<svg class="icon" viewBox="0 0 24 24" aria-hidden="true"><rect x="9" y="9" width="11" height="11" rx="2"/>' +
      '<path d="M15 9V6a2 2 0 0 0-2-2H6a2 2 0 0 0-2 2v7a2 2 0 0 0 2 2h3"/></svg><span class="copy-text">Copy</span>';
    const text = $(".copy-text", btn);
    let timer;
    const show = (ok) => {
      const msg = ok ? "Copied" : "Copy failed";
      btn.classList.toggle("copied", ok);
      btn.classList.toggle("copy-failed", !ok);
      text.textContent = msg;
      btn.setAttribute("aria-label", msg);
      clearTimeout(timer);
      timer = setTimeout(() => {
        btn.classList.remove("copied", "copy-failed");
        text.textContent = "Copy";
        btn.setAttribute("aria-label", label);
      }, 1800);
    };
    btn.addEventListener("click", () => copyText(codeText(block)).then(() => show(true), () => show(false)));
    const buttons = doc.createElement("div");
    buttons.className = "code-buttons";
    /* Hidden lines (rustdoc's `# `, hidelines prefixes): a button shows them. */
    if ($(".boring", block)) {
      const toggle = doc.createElement("button");
      toggle.type = "button";
      toggle.className = "toggle-hidden";
      const set = (shown) => {
        block.classList.toggle("show-hidden", shown);
        const what = shown ? "Hide hidden lines" : "Show hidden lines";
        toggle.title = what;
        toggle.setAttribute("aria-label", what);
        toggle.setAttribute("aria-pressed", String(shown));
      };
      toggle.innerHTML = '<svg class="icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M2 12s3.6-7 10-7 10 7 10 7-3.6 7-10 7S2 12 2 12z"/><circle cx="12" cy="12" r="3"/></svg>';
      toggle.addEventListener("click", () => set(!block.classList.contains("show-hidden")));
      set(false);
      buttons.appendChild(toggle);
    }
    buttons.appendChild(btn);
    block.appendChild(buttons);
  });

  /* Sidebar: a CSS checkbox toggle on narrow screens; JS adds state and Escape. */
  const navToggle = $("#sidebar-toggle"), sidebar = $("#sidebar");
  const setNav = (open) => {
    navToggle.checked = open;
    navToggle.setAttribute("aria-expanded", String(open));
    navToggle.setAttribute("aria-label", open ? "Hide navigation" : "Show navigation");
  };
  if (navToggle && sidebar) {
    setNav(navToggle.checked);
    navToggle.addEventListener("change", () => setNav(navToggle.checked));
    sidebar.addEventListener("click", (e) => { if (e.target.closest("a")) setNav(false); });
    const cur = $(".nav-link.current", sidebar);
    if (cur) {
      const s = sidebar.getBoundingClientRect(), c = cur.getBoundingClientRect();
      if (c.top < s.top || c.bottom > s.bottom) sidebar.scrollTop += c.top - s.top - s.height / 3;
    }
  }

  /* Page outline: mark the section being read. */
  const outline = $$(".toc .toc-list a").map((a) => [a, doc.getElementById(decodeURIComponent(a.hash.slice(1)))]).filter((x) => x[1]);
  if (outline.length) {
    let queued = false;
    const spy = () => {
      queued = false;
      let active = null;
      for (const [a, h] of outline) {
        if (h.getBoundingClientRect().top > 120) break;
        active = a;
      }
      if (innerHeight + scrollY >= html.scrollHeight - 2) active = outline[outline.length - 1][0];
      outline.forEach(([a]) => a.classList.toggle("active", a === active));
    };
    addEventListener("scroll", () => { if (!queued) { queued = true; requestAnimationFrame(spy); } }, { passive: true });
    spy();
  }

  /* Search over searchindex.js, loaded on first use with a script tag (works from file://). */
  const search = $("#search"), input = $("#search-input"), panel = $("#search-panel");
  const list = $("#search-results"), status = $("#search-status"), MAX = 30;
  let index = null, keys = [], waiting = null, selected = -1;
  const tokenize = (q) => q.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").split(/[^\p{L}\p{N}]+/u).filter(Boolean);

  const loadIndex = (then) => {
    if (index) return then();
    if (waiting) return waiting.push(then);
    waiting = [then];
    const ready = () => {
      const data = window.guidebookSearchIndex || {};
      index = { docs: data.docs || [], terms: data.terms || {} };
      keys = Object.keys(index.terms);
      waiting.forEach((f) => f());
      waiting = null;
    };
    if (window.guidebookSearchIndex) return ready();
    const script = doc.createElement("script");
    script.src = root + "searchindex.js";
    script.onload = ready;
    script.onerror = () => {
      waiting = null;
      script.remove();
      list.textContent = "";
      status.textContent = "The search index could not be loaded.";
      showPanel(true);
    };
    doc.head.appendChild(script);
  };

  // Every word must match (AND); the last one also as a prefix. Score = summed counts.
  const postings = (term) => {
    const m = new Map();
    if (Object.prototype.hasOwnProperty.call(index.terms, term)) for (const d of index.terms[term]) m.set(d, (m.get(d) || 0) + 1);
    return m;
  };
  const find = (words) => {
    let scores = null;
    words.forEach((w, i) => {
      const s = postings(w);
      if (i === words.length - 1) {
        const best = new Map();
        for (const k of keys) {
          if (k.length > w.length && k.startsWith(w)) postings(k).forEach((c, d) => best.set(d, Math.max(best.get(d) || 0, c)));
        }
        best.forEach((c, d) => s.set(d, (s.get(d) || 0) + c / 2));
      }
      if (scores) s.forEach((c, d) => { if (scores.has(d)) s.set(d, c + scores.get(d)); else s.delete(d); });
      scores = s;
    });
    return [...scores].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map((x) => x[0]);
  };

  const marker = (words) => {
    const alts = words.slice().sort((a, b) => b.length - a.length).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    const re = new RegExp("(?<![\\p{L}\\p{N}])(" + alts.join("|") + ")", "iu");
    return (text) => String(text).split(re).map((p, i) => (i % 2 ? "<mark>" + esc(p) + "</mark>" : esc(p))).join("");
  };
  const clip = (text, words) => {
    text = String(text || "");
    if (text.length <= 200) return text;
    const lower = text.toLowerCase(), hits = words.map((w) => lower.indexOf(w)).filter((i) => i >= 0);
    let start = Math.max(0, Math.min(...hits, text.length) - 60);
    if (start > 0) start = text.indexOf(" ", start) + 1 || start;
    const end = Math.min(text.length, start + 200);
    return (start ? "… " : "") + text.slice(start, end).trim() + (end < text.length ? " …" : "");
  };

  function showPanel(open) {
    panel.hidden = !open;
    input.setAttribute("aria-expanded", String(open));
    if (!open) input.removeAttribute("aria-activedescendant");
  }

  const render = () => {
    const query = input.value.trim(), words = tokenize(query);
    list.textContent = status.textContent = "";
    selected = -1;
    input.removeAttribute("aria-activedescendant");
    if (!words.length) return showPanel(false);
    const found = find(words), mark = marker(words);
    if (!found.length) {
      list.innerHTML = '<li class="search-empty">No results for “' + esc(query) + "”</li>";
    } else {
      const n = found.length;
      status.textContent = n > MAX ? "Showing " + MAX + " of " + n + " results" : n + (n === 1 ? " result" : " results");
      list.innerHTML = found.slice(0, MAX).map((d, i) => {
        const [title = "", url = "", excerpt = ""] = index.docs[d] || [];
        return '<li class="search-result" id="search-result-' + i + '" role="option" aria-selected="false"><a href="' +
          esc(root + url) + '" tabindex="-1"><span class="search-result-title">' + mark(title) +
          '</span><span class="search-result-excerpt">' + mark(clip(excerpt, words)) + "</span></a></li>";
      }).join("");
    }
    showPanel(true);
  };
  const update = () => loadIndex(render);

  const move = (delta) => {
    const items = $$(".search-result", list);
    if (!items.length) return;
    selected = selected < 0 ? (delta > 0 ? 0 : items.length - 1) : (selected + delta + items.length) % items.length;
    items.forEach((li, i) => {
      li.classList.toggle("selected", i === selected);
      li.setAttribute("aria-selected", String(i === selected));
    });
    input.setAttribute("aria-activedescendant", items[selected].id);
    items[selected].scrollIntoView({ block: "nearest" });
  };
  const follow = () => {
    const item = $$(".search-result", list)[Math.max(selected, 0)];
    if (item) {
      showPanel(false);
      location.href = $("a", item).href;
    }
  };

  if (search && input && panel && list && status) {
    input.addEventListener("input", update);
    input.addEventListener("focus", () => loadIndex(() => { if (input.value.trim() && panel.hidden) render(); }));
    input.addEventListener("keydown", (e) => {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        if (panel.hidden) update();
        move(e.key === "ArrowDown" ? 1 : -1);
      } else if (e.key === "Enter") {
        e.preventDefault();
        follow();
      } else if (e.key === "Escape") {
        e.preventDefault();
        if (!panel.hidden) showPanel(false);
        else input.blur();
      }
    });
    input.form.addEventListener("submit", (e) => { e.preventDefault(); follow(); });
    list.addEventListener("click", (e) => { if (e.target.closest("a")) showPanel(false); });
    search.addEventListener("focusout", () => setTimeout(() => { if (!search.contains(doc.activeElement)) showPanel(false); }));
    doc.addEventListener("click", (e) => { if (!search.contains(e.target)) showPanel(false); });
    const initial = new URLSearchParams(location.search).get("search");
    if (initial) {
      input.value = initial;
      input.focus({ preventScroll: true });
      update();
    }
  }

  /* Keyboard: "/" or "s" focuses search, left/right arrows turn pages, Escape closes the sidebar. */
  doc.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "Escape" && navToggle && navToggle.checked) {
      setNav(false);
      navToggle.focus();
    } else if (typing(e.target) || e.defaultPrevented) {
      return;
    } else if ((e.key === "/" || e.key === "s" || e.key === "S") && input) {
      e.preventDefault();
      input.focus();
      input.select();
    } else if ((e.key === "ArrowLeft" || e.key === "ArrowRight") && !e.shiftKey) {
      const link = $(".pagination a[rel=" + (e.key === "ArrowLeft" ? "prev" : "next") + "]");
      if (link) {
        e.preventDefault();
        location.href = link.href;
      }
    }
  });
})();
