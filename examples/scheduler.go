// Package examples holds a Go function with real branching, for trying mu-lsp.
package examples

import "errors"

type Job struct {
	Name     string
	Priority int
	Deps     []string
	Done     bool
}

// Order returns jobs in an order that respects dependencies, highest priority first.
func Order(jobs map[string]*Job) ([]string, error) {
	var order []string
	visiting := map[string]bool{}
	var visit func(name string) error
	visit = func(name string) error {
		job, ok := jobs[name]
		if !ok {
			return errors.New("unknown job " + name)
		}
		if job.Done {
			return nil
		}
		if visiting[name] {
			return errors.New("cycle at " + name)
		}
		visiting[name] = true
		for _, dep := range job.Deps {
			if err := visit(dep); err != nil {
				return err
			}
		}
		visiting[name] = false
		job.Done = true
		order = append(order, name)
		return nil
	}
	for name, job := range jobs {
		if job.Priority > 5 || len(job.Deps) == 0 {
			if err := visit(name); err != nil {
				return nil, err
			}
		}
	}
	for name := range jobs {
		switch {
		case jobs[name].Done:
			continue
		default:
			if err := visit(name); err != nil {
				return nil, err
			}
		}
	}
	return order, nil
}
